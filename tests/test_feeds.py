"""Feeds: RSS 2.0, Atom and JSON Feed 1.1 of the site, a section, a tag and an author.

The W3C Feed Validation Service cannot be called from the tests, so its rules are written
here: well-formed XML (parsed with entities and DTDs refused), the required elements,
RFC 822 and RFC 3339 dates, GUIDs that are not permalinks and never change, an atom:link
rel="self" equal to the feed's address, HTML content escaped, absolute URLs only, and an
enclosure with its length and type."""

from __future__ import annotations

import email.utils
import html
import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from defusedxml import ElementTree
from django.utils import timezone

from gazette.news.markdown_import import _author
from tests.images import png_image

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
# RFC 822 as RSS 2.0 wants it (four-digit year, numeric zone): Fri, 27 Nov 2026 19:00:00 +0000
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"
)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
RELATIVE = re.compile(r'(href|src)="/(?!/)|srcset="/(?!/)')


def parse(response):
    """The W3C validator's first rule: well-formed XML. defusedxml refuses DTDs and
    entities, so a feed that needs them fails here."""
    assert response.status_code == 200, response.status_code
    return ElementTree.fromstring(response.content, forbid_dtd=True)


@pytest.fixture
def story(make_article, news):
    return make_article(
        "Harbour reopens after the storm",
        section=news,
        tags=["harbour"],
        lead_image=png_image(title="harbour"),
        body='The <a href="/news/">harbour</a> master said so. <img src="/media/x.png" alt="">',
    )


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag) -> None:
        self.tags.append("/" + tag)


def html_tags(fragment: str) -> list[str]:
    """The elements a reader finds in an HTML fragment (RSS descriptions are HTML)."""
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser.tags


def check_rss(channel, self_url: str) -> list:
    assert channel.findtext("title")
    assert channel.findtext("link").startswith("http://testserver/")
    assert channel.findtext("description")
    assert RFC822.match(channel.findtext("lastBuildDate"))
    self_link = channel.find(f"{ATOM}link")
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == self_url
    assert self_link.get("type") == "application/rss+xml"
    items = channel.findall("item")
    for item in items:
        assert item.findtext("title")
        assert item.findtext("link").startswith("http://testserver/")
        # The W3C validator reads an item's description as HTML: Gazette's is the plain-text
        # standfirst, so it must hold no element once read as HTML.
        assert item.findtext("description")
        assert html_tags(item.findtext("description")) == [], item.findtext("description")
        pub_date = item.findtext("pubDate")
        assert RFC822.match(pub_date), pub_date
        assert email.utils.parsedate_to_datetime(pub_date).tzinfo is not None
        guid = item.find("guid")
        # Not a permalink, and therefore must not look like one the reader could follow.
        assert guid.get("isPermaLink") == "false"
        assert guid.text.startswith("tag:testserver,")
        assert item.find("author") is None  # RSS's author is an email address: never one
        content = item.findtext(f"{CONTENT}encoded")
        if content is not None:
            assert not RELATIVE.search(content), content
        enclosure = item.find("enclosure")
        if enclosure is not None:
            assert int(enclosure.get("length")) > 0
            assert enclosure.get("type").startswith("image/")
            assert enclosure.get("url").startswith("http://testserver/")
    return items


def test_site_rss_feed_is_valid_and_lists_the_article_in_full(client, story):
    response = client.get("/feed/")
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    rss = parse(response)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    (item,) = check_rss(rss.find("channel"), "http://testserver/feed/")
    assert item.findtext("title") == "Harbour reopens after the storm"
    assert item.findtext("link") == "http://testserver/news/" + story.slug + "/"
    assert item.findtext(f"{DC}creator") == "Jane Roe"
    assert {c.text for c in item.findall("category")} == {"News", "harbour"}
    content = item.findtext(f"{CONTENT}encoded")
    assert 'href="http://testserver/news/"' in content
    assert 'src="http://testserver/media/x.png"' in content
    enclosure = item.find("enclosure")
    assert enclosure.get("length") == str(story.lead_image.file.size)
    assert enclosure.get("type") == "image/png"
    assert enclosure.get("url") == "http://testserver" + story.lead_image.file.url


def test_atom_feed_is_valid(client, story):
    response = client.get("/feed/atom/")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = parse(response)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{required}"), required
    assert RFC3339.match(feed.findtext(f"{ATOM}updated"))
    links = {link.get("rel"): link for link in feed.findall(f"{ATOM}link")}
    assert links["self"].get("href") == "http://testserver/feed/atom/"
    assert links["self"].get("type") == "application/atom+xml"
    assert links["alternate"].get("href") == "http://testserver/"
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Gazette"
    (entry,) = feed.findall(f"{ATOM}entry")
    assert (
        entry.findtext(f"{ATOM}id")
        == f"tag:testserver,{story.first_published_at:%Y-%m-%d}:article:{story.pk}"
    )
    assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
    assert RFC3339.match(entry.findtext(f"{ATOM}published"))
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Jane Roe"
    assert entry.find(f"{ATOM}author/{ATOM}uri").text == "http://testserver/authors/jane-roe/"
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "<p>" in content.text and not RELATIVE.search(content.text)
    entry_links = {link.get("rel"): link for link in entry.findall(f"{ATOM}link")}
    assert entry_links["alternate"].get("href").endswith(f"/news/{story.slug}/")
    assert int(entry_links["enclosure"].get("length")) > 0


def test_json_feed_is_version_1_1(client, story):
    for url in ("/feed/json/", "/feed.json"):
        response = client.get(url)
        assert response["Content-Type"] == "application/feed+json; charset=utf-8"
        feed = json.loads(response.content)
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["feed_url"] == "http://testserver/feed/json/"
        assert feed["home_page_url"] == "http://testserver/"
        (item,) = feed["items"]
        assert item["id"].endswith(f":article:{story.pk}")
        assert item["url"] == f"http://testserver/news/{story.slug}/"
        assert RFC3339.match(item["date_published"]) and RFC3339.match(item["date_modified"])
        assert item["authors"] == [
            {"name": "Jane Roe", "url": "http://testserver/authors/jane-roe/"}
        ]
        assert item["image"].startswith("http://testserver/")
        assert "<p>" in item["content_html"] and not RELATIVE.search(item["content_html"])


def test_section_tag_and_author_feeds_list_only_their_articles(
    client, make_article, story, world, site
):
    other_author = _author("Sam Poe")
    elsewhere = make_article("World story", section=world, tags=["storm"], authors=[other_author])
    expectations = {
        "/feed/section/news/": story,
        "/feed/section/world/": elsewhere,
        "/feed/tag/harbour/": story,
        "/feed/tag/storm/": elsewhere,
        "/feed/author/jane-roe/": story,
        "/feed/author/sam-poe/": elsewhere,
    }
    for url, article in expectations.items():
        for suffix in ("", "atom/", "json/"):
            response = client.get(url + suffix)
            assert response.status_code == 200
            text = response.content.decode()
            assert article.title in text, url + suffix
            other = elsewhere if article is story else story
            assert other.title not in text, url + suffix
        items = check_rss(parse(client.get(url)).find("channel"), "http://testserver" + url)
        assert len(items) == 1
    assert parse(client.get("/feed/section/news/atom/")).findtext(f"{ATOM}title") == (
        "News – Gazette"
    )


def test_drafts_and_embargoed_articles_are_in_no_feed(client, make_article, news):
    make_article("Visible story", section=news, tags=["harbour"])
    make_article("Draft story", section=news, tags=["harbour"], live=False)
    make_article(
        "Embargoed story", section=news, tags=["harbour"], date=timezone.now() + timedelta(hours=2)
    )
    for base in ("/feed/", "/feed/section/news/", "/feed/tag/harbour/", "/feed/author/jane-roe/"):
        for suffix in ("", "atom/", "json/"):
            text = client.get(base + suffix).content.decode()
            assert "Visible story" in text
            assert "Draft story" not in text and "Embargoed story" not in text


def test_guid_does_not_change_when_the_slug_or_section_changes(client, story, world):
    before = parse(client.get("/feed/")).find("channel/item/guid").text
    revision = story.get_latest_revision_as_object()
    revision.slug = "harbour-reopens-at-last"
    revision.save_revision().publish()
    story.refresh_from_db()
    story.move(world, pos="last-child")
    item = parse(client.get("/feed/")).find("channel/item")
    assert item.findtext("link") == "http://testserver/world/harbour-reopens-at-last/"
    assert item.findtext("guid") == before


def test_summary_only_feeds_carry_the_standfirst_and_no_body(client, story, settings):
    settings.GAZETTE_FEED_FULL_TEXT = False
    item = parse(client.get("/feed/")).find("channel/item")
    assert item.find(f"{CONTENT}encoded") is None
    assert item.findtext("description") == story.standfirst
    entry = parse(client.get("/feed/atom/")).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}content") is None
    assert entry.findtext(f"{ATOM}summary") == story.standfirst
    (item,) = json.loads(client.get("/feed/json/").content)["items"]
    assert "content_html" not in item and item["content_text"] == story.standfirst


def test_unknown_section_tag_or_author_feed_is_404(client, site, news):
    for url in (
        "/feed/section/sport/",
        "/feed/section/sport/atom/",
        "/feed/tag/nothing/json/",
        "/feed/author/nobody/",
        "/feed/section/authors/",  # a page, but not a section
        "/feed/podcast/x/",
    ):
        assert client.get(url).status_code == 404, url


def test_an_empty_section_has_a_valid_feed_with_no_items(client, site, news):
    channel = parse(client.get("/feed/section/news/")).find("channel")
    assert check_rss(channel, "http://testserver/feed/section/news/") == []
    feed = parse(client.get("/feed/section/news/atom/"))
    assert RFC3339.match(feed.findtext(f"{ATOM}updated"))
    assert json.loads(client.get("/feed/section/news/json/").content)["items"] == []


def test_html_and_script_in_a_headline_are_escaped_text(client, make_article, news):
    title = 'Mayor says <script>alert("x")</script> & "]]>" is fine'
    make_article(title, section=news, standfirst="<b>bold</b> & more")
    rss = client.get("/feed/")
    assert b"<script>" not in rss.content
    item = parse(rss).find("channel/item")
    assert item.findtext("title") == title
    # The description is HTML: the standfirst's "<b>" is text there, escaped once more.
    description = item.findtext("description")
    assert description == "&lt;b&gt;bold&lt;/b&gt; &amp; more"
    assert html_tags(description) == [] and html.unescape(description) == "<b>bold</b> & more"
    # In Atom a headline that reads as markup is sent as type="html", escaped once more.
    atom_title = parse(client.get("/feed/atom/")).find(f"{ATOM}entry/{ATOM}title")
    assert atom_title.get("type") == "html" and html_tags(atom_title.text) == []
    assert html.unescape(atom_title.text) == title
    assert json.loads(client.get("/feed/json/").content)["items"][0]["title"] == title


def test_control_characters_pasted_into_a_headline_do_not_break_the_feed(
    client, make_article, news
):
    make_article("Tabs\tare fine, bells\x07 are not", section=news)
    assert parse(client.get("/feed/")).findtext("channel/item/title") == (
        "Tabs\tare fine, bells are not"
    )


def test_feeds_list_the_newest_articles_up_to_the_limit(client, make_article, news, settings):
    settings.GAZETTE_FEED_ITEMS = 3
    for n in range(5):
        make_article(f"Story {n}", section=news, date=timezone.now() - timedelta(hours=5 - n))
    titles = [i.findtext("title") for i in parse(client.get("/feed/")).findall("channel/item")]
    assert titles == ["Story 4", "Story 3", "Story 2"]


def test_feed_queries_do_not_grow_with_the_number_of_articles(
    client, make_article, news, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        client.get("/feed/section/news/")  # warm per-process lookups
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/feed/section/news/").status_code == 200
        return len(queries)

    for n in range(2):
        make_article(f"Story {n}", section=news, tags=["a", "b"])
    few = count()
    for n in range(2, 12):
        make_article(f"Story {n}", section=news, tags=["a", "b"])
    assert count() == few
    assert few <= 8


def test_only_get_and_head(client, story):
    assert client.post("/feed/").status_code == 405
    assert client.head("/feed/").status_code == 200


def test_every_page_names_the_site_feeds_and_its_own(client, story, site):
    def alternates(url: str) -> set[str]:
        html = client.get(url).content.decode()
        head = html[: html.index("</head>")]
        return set(
            re.findall(r'<link rel="alternate" type="[^"]+" title="[^"]*" href="([^"]+)"', head)
        )

    site_feeds = {"/feed/", "/feed/atom/", "/feed/json/"}
    assert alternates("/") == site_feeds
    assert alternates(story.url) == site_feeds
    assert alternates("/news/") == site_feeds | {
        "/feed/section/news/",
        "/feed/section/news/atom/",
        "/feed/section/news/json/",
    }
    assert alternates("/tags/harbour/") >= {"/feed/tag/harbour/", "/feed/tag/harbour/json/"}
    assert alternates("/authors/jane-roe/") >= {
        "/feed/author/jane-roe/",
        "/feed/author/jane-roe/atom/",
    }
    # and each advertised feed answers
    for url in (
        alternates("/news/") | alternates("/tags/harbour/") | alternates("/authors/jane-roe/")
    ):
        assert client.get(url).status_code == 200, url


def test_a_standfirst_that_looks_like_html_is_still_valid_rss(client, make_article, news):
    """Found by the W3C validator (NotHtml): "<after>" in a standfirst was sent as a broken
    HTML tag in the item's description, and readers dropped the word."""
    make_article(section=news, standfirst="Fares frozen <after> a vote of 7 to 2")
    (item,) = check_rss(parse(client.get("/feed/")).find("channel"), "http://testserver/feed/")
    assert html.unescape(item.findtext("description")) == "Fares frozen <after> a vote of 7 to 2"


def test_entries_published_in_the_same_second_have_distinct_atom_updated(
    client, make_article, news
):
    """Found by the W3C validator (DuplicateUpdated): articles published within one second
    (the demo, an import) shared atom:updated. It is given to the microsecond."""
    from gazette.news.models import ArticlePage

    second = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    for n in range(3):
        article = make_article(f"Story {n}", section=news, date=second - timedelta(hours=1))
        ArticlePage.objects.filter(pk=article.pk).update(
            last_published_at=second.replace(microsecond=100 * (n + 1)), updated=None
        )
    entries = parse(client.get("/feed/atom/")).findall(f"{ATOM}entry")
    updated = [entry.findtext(f"{ATOM}updated") for entry in entries]
    assert len(updated) == 3 and len(set(updated)) == 3, updated
    assert all(RFC3339.match(value) for value in updated)
    # A time with no fraction of a second is still written without one.
    published = [entry.findtext(f"{ATOM}published") for entry in entries]
    assert all(re.match(r".*:\d{2}Z$", value) for value in published)


def test_rss_writes_ampersands_and_less_than_as_hex_character_references(client, site, news):
    """Found by the W3C validator (CharacterData, the RSS profile): "&lt;" in a plain-text
    element such as a section's description is ambiguous to readers; "&#x3C;" is not."""
    news.intro = "Scores & results <live> from the stadium\x07"
    news.save_revision().publish()
    response = client.get("/feed/section/news/")
    assert b"&#x3C;live&gt;" in response.content and b"Scores &#x26; results" in response.content
    assert b"&lt;" not in response.content and b"&amp;" not in response.content
    channel = parse(response).find("channel")
    # The same text for an XML parser, and the control character is dropped.
    assert channel.findtext("description") == "Scores & results <live> from the stadium"
    atom = parse(client.get("/feed/section/news/atom/"))
    assert atom.findtext(f"{ATOM}subtitle") == "Scores & results <live> from the stadium"


def test_atom_text_that_reads_as_markup_is_sent_as_escaped_html(client, make_article, news):
    """Found by the W3C validator (ContainsUndeclaredHTML): a headline or standfirst with an
    end tag or an entity in it, sent as type="text", reads as markup to readers."""
    make_article("Plain headline & no markup", section=news, standfirst="Just text, x < y.")
    make_article("Why </div> broke the page", section=news, standfirst="<b>bold</b> &amp; more")
    entries = parse(client.get("/feed/atom/")).findall(f"{ATOM}entry")
    texts = {}
    for entry in entries:
        for name in ("title", "summary"):
            element = entry.find(f"{ATOM}{name}")
            if element.get("type") == "html":
                assert html_tags(element.text) == [], element.text
                texts[html.unescape(element.text)] = "html"
            else:
                assert element.get("type") == "text"
                assert not re.search(r"</[a-zA-Z]|&#?\w+;", element.text), element.text
                texts[element.text] = "text"
    assert texts == {
        "Plain headline & no markup": "text",
        "Just text, x < y.": "text",
        "Why </div> broke the page": "html",
        "<b>bold</b> &amp; more": "html",
    }
