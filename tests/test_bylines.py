"""Bylines: several authors with roles, a source/agency credit with or without a person,
and author pages with bio, photo and their articles."""

from __future__ import annotations

import re

import pytest

from gazette.news.markdown_import import _author
from gazette.news.models import ArticleAuthor, ArticlePage, AuthorPage
from tests.desk_admin import article_form, edit_url, form_errors
from tests.images import png_image

pytestmark = pytest.mark.django_db


def byline_of(html: str) -> str:
    match = re.search(r'<p class="byline">(.*?)</p>', html, re.S)
    assert match, "no byline"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_several_authors_with_roles(client, make_article, author):
    translator = _author("Ana Lima")
    article = make_article("Treaty ratified")
    ArticleAuthor.objects.create(article=article, author=translator, role="Translated by")
    html = client.get(article.url).content.decode()
    assert byline_of(html) == "By Jane Roe and Translated by Ana Lima"
    assert 'href="/authors/ana-lima/"' in html


def test_agency_credit_beside_a_person(client, make_article):
    article = make_article("Harbour strike ends", credit="Reuters")
    html = client.get(article.url).content.decode()
    assert byline_of(html) == "By Jane Roe · Reuters"
    assert "By Jane Roe, Reuters ·" in client.get("/").content.decode()  # the list's card


def without_people(article: ArticlePage) -> list[dict[str, str]]:
    """The byline formset with every person removed, as the admin posts it."""
    return [
        {"id": str(a.pk), "author": str(a.author_id), "role": a.role, "DELETE": "1"}
        for a in article.authors.all()
    ]


def test_agency_only_article_reads_sensibly(client, make_article):
    article = make_article("Quake strikes coast", credit="Associated Press")
    page = ArticlePage.objects.get(pk=article.pk)
    page.authors.set([])
    page.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert byline_of(html) == "By Associated Press"
    assert "By Associated Press ·" in client.get("/").content.decode()


def test_an_editor_publishes_an_agency_story_without_a_person(client, make_article, alice):
    article = make_article("Wire copy")
    client.force_login(alice)
    data = article_form(article, authors=without_people(article), credit="AFP")
    response = client.post(edit_url(article), data)
    assert response.status_code == 302, form_errors(response)
    client.logout()
    assert byline_of(client.get(article.url).content.decode()) == "By AFP"


def test_publishing_without_any_byline_is_refused_but_a_draft_saves(client, make_article, alice):
    article = make_article("Nameless")
    client.force_login(alice)
    data = article_form(article, authors=without_people(article), credit="")
    response = client.post(edit_url(article), data)
    assert response.status_code == 200
    assert "Give the article a byline before publishing" in response.content.decode()
    assert ArticlePage.objects.get(pk=article.pk).authors.count() == 1  # live one unchanged

    draft = article_form(article, authors=without_people(article), credit="", publish=False)
    assert client.post(edit_url(article), draft).status_code == 302


def test_author_page_shows_bio_photo_and_their_articles(client, make_article, author):
    AuthorPage.objects.filter(pk=author.pk).update(
        bio="<p>Covers the harbour and the council.</p>",
        job_title="City reporter",
        photo=png_image(7),
    )
    mine = make_article("Her story")
    other = make_article("Someone else's", authors=[_author("John Doe")])
    html = client.get("/authors/jane-roe/").content.decode()
    assert "Covers the harbour and the council." in html
    assert "City reporter" in html
    assert 'class="author-photo"' in html and "<picture>" in html
    assert mine.title in html and other.title not in html
