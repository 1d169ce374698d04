"""The search page: ranked results with highlighted snippets, filters by section and date,
pagination; never a draft or a future-dated article; no 500 whatever the query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gazette.search.text import MAX_QUERY_CHARS, highlight, parse


def titles(response) -> list[str]:
    return [hit["article"].title for hit in response.context.get("hits", [])]


@pytest.fixture
def pier(make_article, news, world):
    """Three published articles about a pier, one draft and one dated tomorrow."""
    now = timezone.now()
    return {
        "title": make_article(
            "Pier reopens after storm",
            section=news,
            date=now - dt.timedelta(days=3),
            body="Crowds walked the boards again on Sunday.",
        ),
        "body": make_article(
            "Council budget approved",
            section=world,
            date=now - dt.timedelta(days=1),
            body="Money for the pier repairs was set aside, the treasurer said.",
        ),
        "old": make_article(
            "Pier history",
            section=news,
            date=now - dt.timedelta(days=400),
            body="The pier was built in 1899.",
        ),
        "draft": make_article("Pier draft", section=news, live=False, body="pier secret plans"),
        "future": make_article(
            "Pier embargoed",
            section=news,
            date=now + dt.timedelta(days=1),
            body="pier embargoed details",
        ),
    }


def test_search_finds_published_articles_best_match_first(client, pier):
    response = client.get("/search/", {"q": "pier"})
    assert response.status_code == 200
    found = titles(response)
    assert set(found) == {"Pier reopens after storm", "Council budget approved", "Pier history"}
    # An article with the word in its headline ranks above one with it only in the body.
    assert found.index("Council budget approved") > found.index("Pier reopens after storm")
    html = response.content.decode()
    assert "draft" not in html.lower() and "embargoed" not in html.lower()


def test_matched_words_are_marked_in_titles_and_snippets(client, pier):
    response = client.get("/search/", {"q": "repairs"})
    html = response.content.decode()
    assert titles(response) == ["Council budget approved"]
    assert "Money for the pier <mark>repairs</mark> was set aside" in html


def test_snippet_text_is_escaped_before_marking():
    marked = highlight("<script>alert('pier')</script> pier & co", ["pier"])
    assert "<script>" not in marked
    assert "&lt;script&gt;alert(&#x27;<mark>pier</mark>&#x27;)" in marked
    assert "<mark>pier</mark> &amp; co" in marked


def test_every_word_must_match(client, pier):
    assert titles(client.get("/search/", {"q": "pier storm"})) == ["Pier reopens after storm"]
    assert titles(client.get("/search/", {"q": "pier volcano"})) == []


def test_filters_by_section_and_dates(client, pier, world):
    by_section = client.get("/search/", {"q": "pier", "section": world.slug})
    assert titles(by_section) == ["Council budget approved"]
    today = timezone.localdate()
    recent = client.get("/search/", {"q": "pier", "date_from": str(today - dt.timedelta(days=10))})
    assert set(titles(recent)) == {"Pier reopens after storm", "Council budget approved"}
    old = client.get("/search/", {"q": "pier", "date_to": str(today - dt.timedelta(days=300))})
    assert titles(old) == ["Pier history"]
    one_day = str(today - dt.timedelta(days=1))
    assert titles(
        client.get("/search/", {"q": "pier", "date_from": one_day, "date_to": one_day})
    ) == ["Council budget approved"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"q": "pier", "section": "no-such-section"}, "There is no such section"),
        ({"q": "pier", "date_from": "yesterday"}, "Enter the start date as YYYY-MM-DD."),
        ({"q": "pier", "date_to": "2024-02-31"}, "Enter the end date as YYYY-MM-DD."),
        ({"q": "pier", "date_from": "2025-05-02", "date_to": "2025-05-01"}, "before the start"),
    ],
)
def test_bad_filters_show_the_form_again_with_a_message(client, pier, params, message):
    response = client.get("/search/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="pier"' in html  # the reader's query is kept


def test_pagination_and_pages_out_of_range(client, make_article, settings):
    settings.GAZETTE_SEARCH_RESULTS_PER_PAGE = 2
    for n in range(5):
        make_article(f"Lighthouse keeper {n}")
    first = client.get("/search/", {"q": "lighthouse"})
    assert len(titles(first)) == 2
    assert 'href="?q=lighthouse&amp;page=2"' in first.content.decode()
    third = client.get("/search/", {"q": "lighthouse", "page": "3"})
    assert len(titles(third)) == 1
    assert "page=4" not in third.content.decode()
    seen = titles(first) + titles(client.get("/search/", {"q": "lighthouse", "page": "2"}))
    assert len(set(seen + titles(third))) == 5
    for page in ("4", "0", "-1", "abc", "99999999999999999999"):
        response = client.get("/search/", {"q": "lighthouse", "page": page})
        assert response.status_code == 404
        assert "There is no" in response.content.decode()


@pytest.mark.parametrize(
    "q",
    [
        '"pier',
        'pier"',
        "pier*",
        "*",
        "NEAR(pier storm)",
        "pier AND storm",
        "pier OR",
        "NOT pier",
        "-pier",
        "(pier",
        "pier)",
        "title:pier storm",
        "pier' OR 1=1; DROP TABLE wagtailcore_page; --",
        "^pier",
        "码头 pier",
        "'",
        "\\",
    ],
)
def test_operators_quotes_and_sql_are_plain_words(client, pier, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    found = titles(response)
    if q in ("pier*", "pier AND storm", "-pier", "(pier", "NEAR(pier storm)"):
        assert "Pier reopens after storm" in found
    # Only words are searched: a word that no article has finds nothing.
    if q.startswith(("码头", "pier' OR")):
        assert found == []


def test_null_character_is_a_clear_error(client, pier):
    response = client.get("/search/", {"q": "pier\x00"})
    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()


def test_operator_only_query_says_what_is_searched(client, pier):
    response = client.get("/search/", {"q": '"*" ( - )'})
    assert response.status_code == 200
    assert "punctuation, quotes and operators" in response.content.decode()
    assert response.context["results"] is None


def test_empty_query_shows_the_form(client, site):
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = client.get("/search/", params)
        assert response.status_code == 200
        assert 'role="search"' in response.content.decode()
        assert response.context["results"] is None


def test_ten_thousand_character_query_is_shortened_with_a_message(client, pier):
    q = ("pier storm " * 1000)[:10_000]
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"shortened to its first {MAX_QUERY_CHARS} characters" in html
    assert "Pier reopens after storm" in titles(response)
    assert MAX_QUERY_CHARS - 10 < len(response.context["query"].text) <= MAX_QUERY_CHARS
    assert response.context["query"].terms == ["pier", "storm"]  # no half word at the end


def test_many_words_are_capped():
    query = parse(" ".join(f"w{n}" for n in range(50)))
    assert len(query.terms) == 10
    assert "Only the first 10 words" in query.notes[0]


def test_no_results_message(client, pier):
    response = client.get("/search/", {"q": "zeppelin"})
    assert response.status_code == 200
    assert "No articles match “zeppelin”" in response.content.decode()


def test_results_are_not_indexed_nor_cached(client, pier):
    response = client.get("/search/", {"q": "pier"})
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_search_page_is_never_stored_by_the_page_cache(client, pier, settings, tmp_path):
    settings.GAZETTE_PAGE_CACHE = True
    settings.GAZETTE_PAGE_CACHE_DIR = tmp_path
    client.get("/")  # proves the cache is on: the home page is stored
    client.get("/search/", {"q": "pier"})
    client.get("/search/", {"q": "pier", "page": "2"})
    client.get("/search/")
    stored = [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()]
    assert stored
    assert not [name for name in stored if "search" in name]


def test_header_search_form_on_every_page(client, pier):
    html = client.get("/").content.decode()
    assert '<form class="site-search" role="search" method="get" action="/search/">' in html
    assert '<label for="site-search-q">Search articles</label>' in html
    assert 'id="site-search-q" type="search" name="q"' in html


def test_unpublished_article_disappears_from_results(client, pier):
    pier["title"].unpublish()
    assert "Pier reopens after storm" not in titles(client.get("/search/", {"q": "pier"}))


def test_query_count_does_not_grow_with_results(client, make_article, settings):
    settings.GAZETTE_SEARCH_RESULTS_PER_PAGE = 10
    make_article("Ferry one")
    client.get("/search/", {"q": "ferry"})  # warm up per-process look-ups
    with CaptureQueriesContext(connection) as one:
        client.get("/search/", {"q": "ferry"})
    for n in range(8):
        make_article(f"Ferry {n}")
    with CaptureQueriesContext(connection) as nine:
        response = client.get("/search/", {"q": "ferry"})
    assert len(titles(response)) == 9
    assert len(nine) == len(one)
    assert len(nine) <= 7  # with the breaking-news banner every page reads (one query)


def test_a_word_in_more_articles_than_the_rank_limit_ranks_the_newest_and_says_so(
    client, make_article, news, world, settings
):
    settings.GAZETTE_SEARCH_RANK_LIMIT = 3
    oldest = make_article("Ferry news from long ago", section=world, body="The ferry sailed.")
    for n in range(4):  # written (and indexed) after the oldest
        make_article(f"Ferry story {n}", section=news, body="The ferry sailed again.")
    response = client.get("/search/", {"q": "ferry"})
    found = titles(response)
    assert len(found) == 3 and oldest.title not in found
    assert "This word is in 3 articles or more" in response.content.decode()
    two_words = client.get("/search/", {"q": "ferry sailed"}).content.decode()
    assert "These words are in 3 articles or more" in two_words
    # Filters apply before the cap: the old story is found in its own section.
    response = client.get("/search/", {"q": "ferry", "section": world.slug})
    assert titles(response) == [oldest.title]
    assert "articles or more" not in response.content.decode()
    # Below the cap, nothing is said.
    settings.GAZETTE_SEARCH_RANK_LIMIT = 10
    response = client.get("/search/", {"q": "ferry"})
    assert len(titles(response)) == 5 and "or more" not in response.content.decode()
    # The API's search ranks the same way, its total counting the ranked matches.
    settings.GAZETTE_SEARCH_RANK_LIMIT = 3
    assert client.get("/api/v1/articles/", {"q": "ferry"}).json()["count"] == 3
