"""Corrections and updates: an editor adds a note to a published article; readers see it
on the article with its time and in /corrections/; the history stays in Wagtail's
revisions, which an editor can compare."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gazette.news.models import ArticleNote, ArticlePage
from gazette.news.publishing import article_tags
from tests.desk_admin import article_form, edit_url, form_errors

pytestmark = pytest.mark.django_db


def add_note(article: ArticlePage, text: str, *, kind: str = "correction", when=None, by=None):
    """What the admin does: a new revision of the article holding the note, published."""
    article = ArticlePage.objects.get(pk=article.pk)
    note = ArticleNote(kind=kind, text=text)
    if when is not None:
        note.created_at = when
    article.notes.add(note)
    article.save_revision(user=by).publish(user=by)
    return ArticlePage.objects.get(pk=article.pk)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_correction_shows_at_the_top_of_the_article_with_its_time(client, make_article):
    article = make_article("Council approves bridge repairs", body="The bridge reopens in May.")
    when = timezone.now().replace(microsecond=0)
    add_note(article, "An earlier version gave the cost as £2m; it is £3m.", when=when)

    html = client.get(article.url).content.decode()
    assert "An earlier version gave the cost as £2m; it is £3m." in html
    assert f'datetime="{timezone.localtime(when).isoformat()}"' in html
    # Above the body: a reader learns of the correction before reading the story.
    assert html.index("Correction") < html.index("The bridge reopens in May.")


def test_update_note_is_shown_after_the_body_and_linked_from_the_header(client, make_article):
    article = make_article("Storm floods lower town", body="Water rose overnight.")
    add_note(article, "The river has peaked, the council says.", kind="update")
    html = client.get(article.url).content.decode()
    assert html.index("Water rose overnight.") < html.index("The river has peaked")
    assert 'href="#updates"' in html and 'id="updates"' in html
    assert "corrections-heading" not in html


def test_adding_a_note_changes_the_articles_last_updated_time(client, make_article):
    article = make_article()
    assert article.updated is None
    later = timezone.now() + dt.timedelta(seconds=1)
    article = add_note(article, "A name was misspelt.", when=later)
    assert article.updated == later
    assert "Updated" in text_of(client.get(article.url))


def test_an_editors_later_updated_time_is_kept(make_article):
    future_edit = timezone.now() + dt.timedelta(hours=1)
    article = make_article(updated=future_edit)
    article = add_note(article, "A date was wrong.")
    assert article.updated == future_edit


def test_corrections_page_lists_corrections_newest_first_with_links(client, make_article):
    first = make_article("Harbour strike ends")
    second = make_article("Market hall lease stalls")
    now = timezone.now()
    add_note(first, "The union has 400 members, not 4,000.", when=now - dt.timedelta(hours=2))
    add_note(second, "The lease runs for ten years.", when=now - dt.timedelta(hours=1))
    add_note(second, "The river has peaked.", kind="update")

    response = client.get("/corrections/")
    assert response.status_code == 200
    text = text_of(response)
    assert text.index("The lease runs for ten years.") < text.index("400 members")
    assert "The river has peaked." not in text  # updates are not corrections
    html = response.content.decode()
    assert f'href="{first.url}"' in html and f'href="{second.url}"' in html
    assert 'href="/corrections/"' in html  # linked from every page's footer


def test_corrections_page_is_paginated_without_counting(client, make_article, settings):
    article = make_article()
    now = timezone.now()
    page = ArticlePage.objects.get(pk=article.pk)
    for i in range(30):
        page.notes.add(
            ArticleNote(text=f"Correction {i:02d}.", created_at=now - dt.timedelta(minutes=i))
        )
    page.save_revision().publish()
    first = text_of(client.get("/corrections/"))
    assert "Correction 00." in first and "Correction 24." in first and "Correction 25." not in first
    second = text_of(client.get("/corrections/?page=2"))
    assert "Correction 25." in second and "Correction 29." in second
    assert client.get("/corrections/?page=3").status_code == 404
    assert client.get("/corrections/?page=x").status_code == 404


def test_corrections_page_query_count_does_not_grow_with_corrections(client, make_article):
    def queries() -> int:
        client.get("/corrections/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/corrections/").status_code == 200
        return len(captured)

    for i in range(3):
        add_note(make_article(), f"Correction {i}.")
    with_three = queries()
    for i in range(15):
        add_note(make_article(), f"More {i}.")
    assert queries() == with_three <= 6


def test_a_correction_on_a_draft_leaks_nowhere(client, make_article):
    """A note on an unpublished article is allowed (it is part of the draft) and shown once
    the article is published; until then neither it nor the headline is public."""
    draft = make_article("Secret draft headline", live=False)
    page = ArticlePage.objects.get(pk=draft.pk)
    page.notes.add(ArticleNote(text="Draft-only correction text."))
    page.save_revision()
    page.save()  # a never-published page keeps its rows, as Wagtail's admin does

    assert ArticleNote.objects.filter(article=draft).exists()
    listing = client.get("/corrections/").content.decode()
    assert "Draft-only correction text." not in listing and "Secret draft headline" not in listing
    assert client.get(draft.url).status_code == 404


def test_a_note_saved_as_a_draft_of_a_live_article_is_not_public_until_published(
    client, make_article
):
    article = make_article("Live story")
    page = ArticlePage.objects.get(pk=article.pk)
    page.notes.add(ArticleNote(text="Pending correction."))
    page.save_revision()  # saved, not published: the live article is unchanged
    assert "Pending correction." not in client.get(article.url).content.decode()
    assert "Pending correction." not in client.get("/corrections/").content.decode()


def test_corrections_of_an_unpublished_article_leave_the_list(client, make_article):
    article = add_note(make_article("Withdrawn story"), "A figure was wrong.")
    assert "A figure was wrong." in client.get("/corrections/").content.decode()
    article.unpublish()
    assert "A figure was wrong." not in client.get("/corrections/").content.decode()


def test_empty_correction_text_is_refused_in_the_admin(client, make_article, alice):
    article = make_article("Bridge story")
    client.force_login(alice)
    data = article_form(article, notes=[{"text": "   "}])
    response = client.post(edit_url(article), data)
    assert response.status_code == 200  # the form again, not a redirect
    assert "The page could not be saved due to validation errors" in response.content.decode()
    assert "This field is required" in form_errors(response)
    assert not ArticleNote.objects.filter(article=article).exists()


def test_an_editor_adds_a_correction_in_the_admin_and_readers_see_it(client, make_article, alice):
    article = make_article("Bridge story")
    client.force_login(alice)
    data = article_form(article, notes=[{"text": "The bridge is 120 m long, not 210 m."}])
    response = client.post(edit_url(article), data)
    assert response.status_code == 302, form_errors(response)
    client.logout()
    assert "The bridge is 120 m long" in client.get(article.url).content.decode()
    assert "The bridge is 120 m long" in client.get("/corrections/").content.decode()
    assert ArticlePage.objects.get(pk=article.pk).updated is not None


def test_an_editor_compares_two_revisions_and_sees_the_changed_text(client, make_article, alice):
    article = make_article("Original headline")
    first = article.latest_revision
    article = add_note(article, "The corrected figure is 12.")
    page = ArticlePage.objects.get(pk=article.pk)
    page.title = "Corrected headline"
    second = page.save_revision(user=alice)
    client.force_login(alice)
    url = reverse("wagtailadmin_pages:revisions_compare", args=[article.pk, first.pk, second.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    # Wagtail marks the words taken out and put in.
    assert re.search(r'class="deletion">\s*Original', html), html[html.find("Headline") :][:800]
    assert re.search(r'class="addition">\s*Corrected', html)
    assert "The corrected figure is 12." in html
    # A reader cannot.
    client.logout()
    assert client.get(url).status_code == 302


def test_a_correction_purges_the_article_and_the_corrections_page(make_article):
    article = add_note(make_article(), "Fixed.")
    names = article_tags(article)
    assert {f"page:{article.pk}", "list:corrections"} <= names
    plain = make_article()
    assert "list:corrections" not in article_tags(plain)


def test_article_queries_stay_bounded_with_corrections_and_pictures(client, make_article):
    from tests.images import png_image

    def queries(url: str) -> int:
        client.get(url)  # the first view makes the renditions
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    article = make_article("Pictured story", lead_image=png_image(1))
    article = add_note(article, "First correction.")
    with_one = queries(article.url)
    for i in range(10):
        article = add_note(article, f"Correction {i}.", kind="update" if i % 2 else "correction")
    assert queries(article.url) == with_one <= 12  # test_query_counts' article bound + notes
