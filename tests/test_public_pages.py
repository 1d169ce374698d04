"""The pages readers browse: the front page, sections, tags and author profiles. What each
lists, in what order, page by page; what it never shows; how it is built."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from gazette.news.markdown_import import _author
from tests.images import png_image

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def ago(**kwargs) -> dt.datetime:
    return NOW - dt.timedelta(**kwargs)


def listed_titles(html: str) -> list[str]:
    """The headlines of the article list, in the order shown."""
    return re.findall(r'class="card-title"><a href="[^"]*">([^<]*)</a>', html)


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# The front page


def test_home_lists_published_articles_newest_first(client, make_article):
    make_article("Middle", date=ago(days=2))
    make_article("Newest", date=ago(hours=1))
    make_article("Oldest", date=ago(days=9))
    assert listed_titles(get(client, "/")) == ["Newest", "Middle", "Oldest"]


def test_home_lists_articles_from_every_section(client, make_article, world):
    make_article("Local story", date=ago(hours=2))
    make_article("World story", date=ago(hours=1), section=world)
    assert listed_titles(get(client, "/")) == ["World story", "Local story"]


def test_home_with_no_articles_says_so(client, site):
    html = get(client, "/")
    assert "No articles yet." in html
    assert listed_titles(html) == []


@override_settings(GAZETTE_ARTICLES_PER_PAGE=2)
def test_home_is_paginated_and_every_page_works(client, make_article):
    for day in range(5):
        make_article(f"Day {day}", date=ago(days=day, hours=1))

    first = get(client, "/")
    assert listed_titles(first) == ["Day 0", "Day 1"]
    assert "Page 1" in first
    assert 'rel="next" href="?page=2"' in first
    assert 'rel="prev"' not in first

    second = get(client, "/?page=2")
    assert listed_titles(second) == ["Day 2", "Day 3"]
    assert "Page 2" in second
    assert 'rel="prev" href="?page=1"' in second
    assert 'rel="next" href="?page=3"' in second
    assert "<title>Page 2 – Gazette</title>" in second

    last = get(client, "/?page=3")
    assert listed_titles(last) == ["Day 4"]
    assert 'rel="next"' not in last


def test_a_single_page_has_no_pagination(client, make_article):
    make_article("Only one")
    assert 'class="pagination"' not in get(client, "/")


@pytest.mark.parametrize("page", ["999", "abc", "0", "-1", "2"])
def test_home_page_number_out_of_range_or_not_a_number_is_not_found(client, make_article, page):
    make_article("Only one")
    html = get(client, f"/?page={page}", status=404)
    assert "Page not found" in html


# Sections


def test_section_page_lists_only_its_own_articles(client, make_article, news, world):
    make_article("Harbour news", section=news, date=ago(hours=3))
    make_article("Council news", section=news, date=ago(hours=1))
    make_article("Abroad", section=world, date=ago(hours=2))

    news_html = get(client, "/news/")
    assert listed_titles(news_html) == ["Council news", "Harbour news"]
    assert '<h1 class="page-heading">News</h1>' in news_html
    assert listed_titles(get(client, "/world/")) == ["Abroad"]


def test_section_page_marks_itself_current_in_the_sections_menu(client, news, world):
    html = get(client, "/world/")
    assert '<a href="/world/" aria-current="page">World</a>' in html
    assert '<a href="/news/">News</a>' in html


@override_settings(GAZETTE_ARTICLES_PER_PAGE=2)
def test_section_page_is_paginated(client, make_article, news):
    for n in range(3):
        make_article(f"Story {n}", section=news, date=ago(hours=n + 1))
    assert listed_titles(get(client, "/news/?page=2")) == ["Story 2"]
    get(client, "/news/?page=3", status=404)
    get(client, "/news/?page=abc", status=404)


# Tags


def test_tag_page_lists_the_tagged_articles(client, make_article, world):
    make_article("Storm hits coast", tags=["storm"], date=ago(hours=2))
    make_article("Storm abroad", tags=["storm", "weather"], section=world, date=ago(hours=1))
    make_article("Sunny day", tags=["weather"], date=ago(hours=3))

    html = get(client, "/tags/storm/")
    assert listed_titles(html) == ["Storm abroad", "Storm hits coast"]
    assert "Tagged “storm”" in html
    assert listed_titles(get(client, "/tags/weather/")) == ["Storm abroad", "Sunny day"]


def test_article_tags_link_to_their_tag_page(client, make_article):
    article = make_article("Storm hits coast", tags=["storm"])
    assert '<a href="/tags/storm/">storm</a>' in get(client, article.url)


def test_a_tag_in_another_alphabet_has_a_page(client, make_article):
    article = make_article("Athens news", tags=["Περιεχόμενο"])
    slug = article.tags.get().slug
    assert slug == "περιεχόμενο"  # taggit keeps the letters
    html = get(client, article.url)  # the tag link no longer fails to reverse (a 500)
    assert "Περιεχόμενο</a>" in html
    assert listed_titles(get(client, f"/tags/{slug}/")) == ["Athens news"]


def test_unknown_tag_is_not_found(client, make_article):
    make_article("Storm hits coast", tags=["storm"])
    assert "Page not found" in get(client, "/tags/no-such-tag/", status=404)


@override_settings(GAZETTE_ARTICLES_PER_PAGE=1)
def test_tag_page_is_paginated(client, make_article):
    make_article("Newer", tags=["storm"], date=ago(hours=1))
    make_article("Older", tags=["storm"], date=ago(hours=2))
    assert listed_titles(get(client, "/tags/storm/?page=2")) == ["Older"]
    get(client, "/tags/storm/?page=999", status=404)
    get(client, "/tags/storm/?page=abc", status=404)


# Authors


def test_author_page_shows_bio_and_lists_the_authors_articles(client, make_article, author):
    author.job_title = "Harbour correspondent"
    author.bio = "<p>Jane has covered the <b>harbour</b> since 2010.</p>"
    author.save_revision().publish()
    other = _author("John Doe")
    make_article("Jane alone", date=ago(hours=3))
    make_article("Written together", authors=[author, other], date=ago(hours=1))
    make_article("John alone", authors=[other], date=ago(hours=2))

    html = get(client, author.url)
    assert '<h1 id="author-name" class="page-heading">Jane Roe</h1>' in html
    assert "Harbour correspondent" in html
    assert "Jane has covered the <b>harbour</b> since 2010." in html
    assert "Articles by Jane Roe" in html
    assert listed_titles(html) == ["Written together", "Jane alone"]
    assert listed_titles(get(client, other.url)) == ["Written together", "John alone"]


def test_author_with_no_articles_yet(client, author):
    html = get(client, author.url)
    assert "No articles yet." in html


def test_authors_index_lists_the_newsroom(client, author):
    other = _author("Adam Zed")
    html = get(client, "/authors/")
    assert html.index(f'href="{other.url}"') < html.index(f'href="{author.url}"')


# Never shown: drafts and articles dated in the future


@pytest.fixture
def unpublished(make_article, news, author):
    """A published article, a draft and a future-dated article, all in News, by Jane Roe,
    tagged "storm"."""
    make_article("Published story", tags=["storm"], date=ago(hours=1))
    make_article("Secret draft", tags=["storm"], live=False, date=ago(hours=2))
    make_article("Embargoed story", tags=["storm"], date=NOW + dt.timedelta(days=1))


@pytest.mark.parametrize("url", ["/", "/news/", "/tags/storm/", "/authors/jane-roe/"])
def test_drafts_and_future_articles_are_listed_nowhere(client, unpublished, url):
    html = get(client, url)
    assert listed_titles(html) == ["Published story"]
    assert "Secret draft" not in html
    assert "Embargoed story" not in html


def test_draft_article_page_is_not_found(client, make_article):
    draft = make_article("Secret draft", live=False)
    assert client.get("/news/" + draft.slug + "/").status_code == 404


def test_future_dated_article_page_is_not_found_until_its_date(client, make_article):
    embargoed = make_article("Embargoed story", date=NOW + dt.timedelta(hours=1))
    assert embargoed.live
    assert client.get(embargoed.url).status_code == 404
    # Editors can still preview it.
    preview = embargoed.make_preview_request()
    assert preview.status_code == 200
    assert "Embargoed story" in preview.content.decode()

    type(embargoed).objects.filter(pk=embargoed.pk).update(date=ago(minutes=1))
    assert client.get(embargoed.url).status_code == 200


# Built the same way whatever the number of articles


def fill(make_article, count: int, section, authors) -> None:
    for n in range(count):
        make_article(
            f"Story {n}",
            section=section,
            authors=authors,
            tags=["storm"],
            date=ago(hours=n + 1),
            lead_image=png_image(n),
        )


def count_queries(client, url: str) -> int:
    get(client, url)  # the first view makes the image renditions; count a reader's view
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return len(queries)


@override_settings(GAZETTE_ARTICLES_PER_PAGE=20)
@pytest.mark.parametrize("url", ["/", "/news/", "/tags/storm/", "/authors/jane-roe/"])
def test_listing_queries_do_not_grow_with_the_number_of_articles(
    client, make_article, news, author, url
):
    co_author = _author("John Doe")
    fill(make_article, 3, news, [author, co_author])
    with_three = count_queries(client, url)
    assert len(listed_titles(get(client, url))) == 3

    fill(make_article, 12, news, [author, co_author])
    with_fifteen = count_queries(client, url)
    assert len(listed_titles(get(client, url))) == 15

    assert with_fifteen == with_three


# Markup: landmarks, language, nothing fetched from elsewhere


class Resources(HTMLParser):
    """The tags of a page and the addresses its <script>, <link>, <img> would fetch."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


def parse(html: str) -> Resources:
    parser = Resources()
    parser.feed(html)
    return parser


def is_external(url: str | None) -> bool:
    if not url:
        return False
    url = url.strip().lower()
    if url.startswith("//"):
        return True
    return url.startswith(("http:", "https:")) and not re.match(r"https?://testserver[:/]", url)


@pytest.fixture
def public_urls(make_article, author, world):
    article = make_article("Storm hits coast", tags=["storm"])
    return ["/", "/news/", "/tags/storm/", author.url, "/authors/", article.url, "/no-such-page/"]


def test_every_public_page_has_landmarks_and_language(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        html = response.content.decode()
        page = parse(html)
        assert page.find("html") == [{"lang": "en"}], url
        assert len(page.find("main")) == 1, url
        assert any(tag == "header" for tag, _ in page.tags), url
        assert any(tag == "footer" for tag, _ in page.tags), url
        assert all(nav.get("aria-label") for nav in page.find("nav")), url
        assert any(nav.get("aria-label") == "Sections" for nav in page.find("nav")), url
        assert re.search(r"<title>[^<]+ – Gazette</title>", html), url
        assert len(page.find("h1")) == 1, url


def test_no_page_loads_scripts_styles_or_fonts_from_other_hosts(client, public_urls):
    for url in public_urls:
        page = parse(client.get(url).content.decode())
        for script in page.find("script"):
            assert not is_external(script.get("src")), (url, script)
        for link in page.find("link"):
            assert not is_external(link.get("href")), (url, link)
        for img in page.find("img"):
            assert not is_external(img.get("src")), (url, img)
        assert page.find("link"), url  # the site's own stylesheet is there


def test_the_stylesheet_fetches_nothing_from_other_hosts():
    css = open(finders.find("gazette/site.css"), encoding="utf-8").read()
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "@import" not in css
