"""/search/: published articles that contain every word of the query, best match first.

The full-text work is Wagtail's database search backend (gazette.settings
WAGTAILSEARCH_BACKENDS): SQLite's FTS5 index by default, PostgreSQL's full-text search when
DATABASE_URL names PostgreSQL. Results come only through ``ArticlePage.objects.published()``.

Never stored by the page cache: the page declares no content tags, and a query string other
than ?page=N keeps a URL out of the store anyway (gazette.cache.store.page_number), so
readers' searches cannot fill the disk. Browsers and shared caches are told not to keep it
either: a result list must not outlive an unpublished article.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from gazette.news.models import ArticlePage, ListPage, SectionPage
from gazette.search import text
from gazette.search.backend import ranked

MAX_PAGE = 1000


class SearchForm(forms.Form):
    # No max_length: an overlong query is shortened with a note, not refused.
    q = forms.CharField(label="Search for", required=False, strip=True)
    section = forms.ModelChoiceField(
        label="Section",
        queryset=SectionPage.objects.live().order_by("title"),
        to_field_name="slug",
        required=False,
        empty_label="All sections",
        error_messages={"invalid_choice": "There is no such section; choose one from the list."},
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the start date as YYYY-MM-DD."},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the end date as YYYY-MM-DD."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def search_articles(
    query: text.Query,
    *,
    section: SectionPage | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
):
    """The published articles a search may return, with the reader's filters applied; the
    caller matches the words (gazette.search.backend, or Wagtail's search)."""
    articles = ArticlePage.objects.published().for_listing()
    if section is not None:
        articles = articles.filter(section_page=section)
    if date_from:
        articles = articles.filter(date__gte=_day_start(date_from))
    if date_to:
        articles = articles.filter(date__lt=_day_start(date_to + dt.timedelta(days=1)))
    return articles


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "query": None, "results": None, "notes": []}
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        query = text.parse(form.cleaned_data["q"])
        context["query"] = query
        context["notes"] = list(query.notes)
        if query.text != form.cleaned_data["q"]:
            # Show the shortened query in the box, so the reader sees what was searched.
            data = request.GET.copy()
            data["q"] = query.text
            form = context["form"] = SearchForm(data)
            form.is_valid()
        if not query.terms:
            if query.text:
                context["notes"].append(
                    "Search for words or numbers: punctuation, quotes and operators such "
                    "as AND, * or - are ignored."
                )
        else:
            status = _results(request, form, query, context)
    response = render(request, "search/search.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    add_never_cache_headers(response)
    return response


def _results(request: HttpRequest, form: SearchForm, query: text.Query, context: dict) -> int:
    raw_page = request.GET.get("page", "1")
    if not raw_page.isdigit() or not 0 < int(raw_page) <= MAX_PAGE:
        context["notes"].append(f"There is no results page “{raw_page[:20]}”.")
        return 404
    found = search_articles(
        query,
        section=form.cleaned_data["section"],
        date_from=form.cleaned_data["date_from"],
        date_to=form.cleaned_data["date_to"],
    )
    per_page = settings.GAZETTE_SEARCH_RESULTS_PER_PAGE
    number = int(raw_page)
    offset = (number - 1) * per_page
    # One row more than shown tells whether there is a next page, without counting matches.
    fts = ranked(found, query.terms)
    if fts is None:
        rows = list(
            found.search(query.search_string, operator="and")[offset : offset + per_page + 1]
        )
    else:
        rows = fts[offset : offset + per_page + 1]
        if fts.capped:
            context["notes"].append(
                f"{'These words are' if len(query.terms) > 1 else 'This word is'} in "
                f"{fts.cap:,} articles or more: the best matches among "
                "the newest of them are shown. Choose a section or dates to reach older ones."
            )
    results = ListPage(rows, 1, per_page)
    results.number = number
    if not results and number > 1:
        context["notes"].append(f"There is no page {raw_page} of results for this search.")
        return 404
    context["results"] = results
    context["hits"] = [
        {
            "article": article,
            "title": text.highlight(article.title, query.terms),
            "snippet": text.snippet(_searchable_text(article), query.terms),
        }
        for article in results
    ]
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    params["q"] = query.text
    context["page_query"] = urlencode(params)
    return 200


def _searchable_text(article: ArticlePage) -> str:
    """The standfirst and the body's words, as the index saw them."""
    parts = [article.standfirst]
    for block in article.body:
        parts.extend(str(part) for part in block.block.get_searchable_content(block.value))
    return text.plain_text(" ".join(parts))
