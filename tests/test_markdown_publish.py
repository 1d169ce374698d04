"""Publishing articles from Markdown files: what a journalist writes, what readers then see,
and how a mistake in the front matter is reported (file, line, reason) without writing."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from gazette.images.models import GazetteImage
from gazette.news.markdown_import import FrontMatterError, publish_file
from gazette.news.models import ArticlePage, AuthorPage, SectionPage

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def publish(*paths: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("publish", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts() -> tuple[int, int, int]:
    return ArticlePage.objects.count(), SectionPage.objects.count(), AuthorPage.objects.count()


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


HARBOUR = """
    ---
    title: Harbour wall to be rebuilt after storm
    section: Local
    authors: [Jane Roe, John Doe]
    date: 2025-03-01T09:30:00+00:00
    tags: [storm, harbour]
    summary: The council voted on Monday to rebuild the wall.
    ---
    The council voted **unanimously** on Monday.

    Work starts in spring.
    """


# Publishing: every front-matter field reaches the article and the page


def test_publish_creates_article_with_every_front_matter_field(site, client, tmp_path):
    path = write(tmp_path, "harbour.md", HARBOUR)
    out, err = publish(path)

    article = ArticlePage.objects.get(title="Harbour wall to be rebuilt after storm")
    assert article.live
    assert article.section.title == "Local"
    assert [credit.author.title for credit in article.byline] == ["Jane Roe", "John Doe"]
    assert article.date == dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)
    assert sorted(tag.name for tag in article.tags.all()) == ["harbour", "storm"]
    assert article.standfirst == "The council voted on Monday to rebuild the wall."
    assert article.comments_open is True
    assert err == ""

    response = client.get(article.url)
    assert response.status_code == 200
    html = response.content.decode()
    text = visible_text(html)
    assert "Harbour wall to be rebuilt after storm" in text
    assert "The council voted on Monday to rebuild the wall." in text
    assert "<strong>unanimously</strong>" in html
    assert "Work starts in spring." in text
    assert "By Jane Roe and John Doe" in text
    assert "Published March 1, 2025" in text
    assert 'href="/tags/harbour/"' in html and 'href="/tags/storm/"' in html


def test_publish_prints_the_url_of_each_article(site, client, tmp_path):
    first = write(tmp_path, "harbour.md", HARBOUR)
    second = write(
        tmp_path,
        "fair.md",
        """
        ---
        title: Town fair returns
        section: Local
        authors: Jane Roe
        ---
        The fair is back.
        """,
    )
    out, _ = publish(first, second)

    urls = re.findall(r"https?://\S+", out)
    assert urls == [
        "http://testserver/local/harbour-wall-to-be-rebuilt-after-storm/",
        "http://testserver/local/town-fair-returns/",
    ]
    assert f"{first}: created, published: {urls[0]}" in out
    for url in urls:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_publish_creates_missing_sections_and_authors(site, client, tmp_path):
    assert not SectionPage.objects.filter(title="Local").exists()
    assert not AuthorPage.objects.filter(title__in=["Jane Roe", "John Doe"]).exists()

    publish(write(tmp_path, "harbour.md", HARBOUR))

    section = SectionPage.objects.get(title="Local")
    assert section.live
    assert client.get("/local/").status_code == 200
    # The new section appears in the masthead's list of sections.
    assert 'href="/local/"' in client.get("/").content.decode()
    for name in ("Jane Roe", "John Doe"):
        author = AuthorPage.objects.get(title=name)
        assert author.live
        assert "Harbour wall to be rebuilt" in client.get(author.url).content.decode()


def test_publish_reuses_existing_section_and_author_whatever_the_case(site, news, author, tmp_path):
    before = counts()
    article, created = publish_file(
        write(
            tmp_path,
            "a.md",
            """
        ---
        title: Bridge reopens
        section: news
        authors: jane roe
        ---
        Traffic flows again.
        """,
        )
    )
    assert created
    assert article.section.pk == news.pk
    assert [credit.author.pk for credit in article.byline] == [author.pk]
    assert counts() == (before[0] + 1, before[1], before[2])


def test_authors_as_a_single_string(site, tmp_path):
    one, _ = publish_file(
        write(
            tmp_path,
            "one.md",
            """
        ---
        title: One author
        section: News
        authors: Jane Roe
        ---
        Text.
        """,
        )
    )
    two, _ = publish_file(
        write(
            tmp_path,
            "two.md",
            """
        ---
        title: Two authors
        section: News
        authors: Jane Roe, John Doe
        ---
        Text.
        """,
        )
    )
    assert [c.author.title for c in one.byline] == ["Jane Roe"]
    assert [c.author.title for c in two.byline] == ["Jane Roe", "John Doe"]


def test_date_without_time_or_offset_is_midnight_in_the_newsroom_time_zone(site, tmp_path):
    article, _ = publish_file(
        write(
            tmp_path,
            "a.md",
            """
        ---
        title: Dated story
        section: News
        authors: Jane Roe
        date: 2024-06-15
        ---
        Text.
        """,
        )
    )
    assert article.date == dt.datetime(2024, 6, 15, tzinfo=dt.UTC)


def test_article_without_date_takes_the_time_it_was_published(site, client, tmp_path):
    article, _ = publish_file(
        write(
            tmp_path,
            "a.md",
            """
        ---
        title: Undated story
        section: News
        authors: Jane Roe
        ---
        Text.
        """,
        )
    )
    assert article.date is not None
    assert "Undated story" in client.get("/").content.decode()


def test_comments_closed(site, client, tmp_path):
    article, _ = publish_file(
        write(
            tmp_path,
            "a.md",
            """
        ---
        title: No comments here
        section: News
        authors: Jane Roe
        comments: closed
        ---
        Text.
        """,
        )
    )
    assert article.comments_open is False
    html = client.get(article.url).content.decode()
    assert "Comments are closed." in html
    assert "Leave a comment" not in html


def test_comments_open_is_the_default_and_can_be_said(site, client, tmp_path):
    article, _ = publish_file(
        write(
            tmp_path,
            "a.md",
            """
        ---
        title: Talk to us
        section: News
        authors: Jane Roe
        comments: open
        ---
        Text.
        """,
        )
    )
    assert article.comments_open is True
    assert "Leave a comment" in client.get(article.url).content.decode()


def make_png(path: Path, size=(64, 48)) -> Path:
    Image.new("RGB", size, (200, 30, 30)).save(path, format="PNG")
    return path


def test_lead_image_with_caption_credit_and_alt_text(site, client, tmp_path):
    make_png(tmp_path / "pier.png")
    article, _ = publish_file(
        write(
            tmp_path,
            "pier.md",
            """
        ---
        title: Storm damages the pier
        section: News
        authors: Jane Roe
        image: pier.png
        image_caption: The pier on Tuesday morning.
        image_credit: John Doe / Gazette
        image_alt: A wooden pier with broken planks
        ---
        Text.
        """,
        )
    )
    image = article.lead_image
    assert image is not None
    assert (image.width, image.height) == (64, 48)
    assert image.caption == "The pier on Tuesday morning."
    assert image.credit == "John Doe / Gazette"
    assert image.description == "A wooden pier with broken planks"

    html = client.get(article.url).content.decode()
    assert 'alt="A wooden pier with broken planks"' in html
    assert re.search(
        r"<figcaption>The pier on Tuesday morning\. "
        r'<span class="credit">John Doe / Gazette</span>',
        html,
    )
    # The image itself is served.
    src = re.search(r'<figure class="figure">.*?<img [^>]*src="([^"]+)"', html, re.S).group(1)
    assert client.get(src).status_code == 200


def test_image_path_is_relative_to_the_markdown_file(site, tmp_path, monkeypatch):
    (tmp_path / "pictures").mkdir()
    make_png(tmp_path / "pictures" / "photo.png")
    monkeypatch.chdir(Path("/"))
    article, _ = publish_file(
        write(
            tmp_path,
            "a.md",
            """
        ---
        title: Picture story
        section: News
        authors: Jane Roe
        image: pictures/photo.png
        image_caption: The photo.
        image_credit: Jane Roe
        image_alt: A test picture
        ---
        Text.
        """,
        )
    )
    assert article.lead_image is not None


# Publishing again


def test_publishing_the_same_file_again_updates_the_article(site, client, tmp_path):
    path = write(tmp_path, "harbour.md", HARBOUR)
    first, created = publish_file(path)
    assert created
    url = first.url
    before = counts()

    write(
        tmp_path,
        "harbour.md",
        HARBOUR.replace(
            "Harbour wall to be rebuilt after storm", "Harbour wall rebuild approved"
        ).replace("Work starts in spring.", "Work starts in May."),
    )
    out, _ = publish(path)

    assert counts() == before
    article = ArticlePage.objects.get(source_id=first.source_id)
    assert article.pk == first.pk
    assert article.title == "Harbour wall rebuild approved"
    assert f"{path}: updated, published:" in out
    # The address readers already have keeps working and shows the new text.
    assert article.url == url
    text = visible_text(client.get(url).content.decode())
    assert "Harbour wall rebuild approved" in text
    assert "Work starts in May." in text
    assert "Work starts in spring." not in text


def test_publishing_again_replaces_tags_and_authors(site, tmp_path):
    path = write(tmp_path, "harbour.md", HARBOUR)
    publish_file(path)
    write(
        tmp_path,
        "harbour.md",
        HARBOUR.replace("[Jane Roe, John Doe]", "[John Doe]").replace(
            "[storm, harbour]", "[council]"
        ),
    )
    article, created = publish_file(path)
    assert not created
    assert [c.author.title for c in article.byline] == ["John Doe"]
    assert [t.name for t in article.tags.all()] == ["council"]


def test_publishing_again_into_another_section_moves_the_article(site, client, tmp_path):
    path = write(tmp_path, "harbour.md", HARBOUR)
    first, _ = publish_file(path)
    write(tmp_path, "harbour.md", HARBOUR.replace("section: Local", "section: World"))
    article, _ = publish_file(path)
    assert article.pk == first.pk
    assert article.section.title == "World"
    assert client.get(article.url).status_code == 200
    assert article.url.startswith("/world/")
    # The old address redirects to the new one.
    response = client.get(first.url)
    assert response.status_code in (301, 302)
    assert response["Location"].endswith(article.url)


def test_two_files_with_the_same_title_get_two_articles(site, tmp_path):
    text = """
        ---
        title: Weather
        section: News
        authors: Jane Roe
        ---
        Sunny.
        """
    a, _ = publish_file(write(tmp_path, "monday.md", text))
    b, _ = publish_file(write(tmp_path, "tuesday.md", text))
    assert a.pk != b.pk
    assert a.url != b.url


# Drafts


DRAFT = """
    ---
    title: Budget leak
    section: News
    authors: Jane Roe
    status: draft
    ---
    Not ready yet.
    """


def test_a_draft_is_not_live(site, client, tmp_path):
    path = write(tmp_path, "budget.md", DRAFT)
    out, _ = publish(path)
    article = ArticlePage.objects.get(title="Budget leak")
    assert not article.live
    assert f"{path}: created, draft: (draft, not public)" in out
    assert "http" not in out
    assert client.get("/news/budget-leak/").status_code == 404
    assert "Budget leak" not in client.get("/").content.decode()
    assert "Budget leak" not in client.get("/news/").content.decode()


def test_publishing_a_draft_later_makes_it_live(site, client, tmp_path):
    path = write(tmp_path, "budget.md", DRAFT)
    draft, _ = publish_file(path)
    write(tmp_path, "budget.md", DRAFT.replace("status: draft", "status: published"))
    article, created = publish_file(path)
    assert not created and article.pk == draft.pk
    assert article.live
    assert client.get(article.url).status_code == 200


def test_turning_a_published_article_back_into_a_draft_takes_it_down(site, client, tmp_path):
    path = write(tmp_path, "budget.md", DRAFT.replace("status: draft", "status: published"))
    live, _ = publish_file(path)
    url = live.url
    assert client.get(url).status_code == 200
    write(tmp_path, "budget.md", DRAFT)
    article, _ = publish_file(path)
    assert not article.live
    assert client.get(url).status_code == 404


# Quotes


def test_block_quote_with_dash_attribution_becomes_a_quote_block(site, client, tmp_path):
    article, _ = publish_file(
        write(
            tmp_path,
            "q.md",
            """
        ---
        title: Mayor speaks
        section: News
        authors: Jane Roe
        ---
        The mayor addressed the crowd.

        > We will rebuild the pier
        > and we will do it this year.
        > — Jane Smith, mayor

        The crowd cheered.
        """,
        )
    )
    kinds = [block.block_type for block in article.body]
    assert kinds == ["paragraph", "quote", "paragraph"]
    quote = article.body[1].value
    assert quote["quote"] == "We will rebuild the pier and we will do it this year."
    assert quote["attribution"] == "Jane Smith, mayor"

    html = client.get(article.url).content.decode()
    assert re.search(
        r'<figure class="quote">\s*<blockquote><p>We will rebuild the pier and we will do it '
        r"this year\.</p></blockquote>\s*<figcaption>— Jane Smith, mayor</figcaption>",
        html,
    )


def test_block_quote_without_attribution_stays_a_plain_block_quote(site, client, tmp_path):
    article, _ = publish_file(
        write(
            tmp_path,
            "q.md",
            """
        ---
        title: Plain quote
        section: News
        authors: Jane Roe
        ---
        > Just a quoted line.
        """,
        )
    )
    assert [block.block_type for block in article.body] == ["paragraph"]
    html = client.get(article.url).content.decode()
    assert re.search(r"<blockquote>\s*<p>Just a quoted line\.</p>\s*</blockquote>", html)
    assert '<figure class="quote">' not in html


# Bad front matter: file, line and reason; nothing written

GOOD_FRONT = "title: Good\nsection: Brand New Section\nauthors: [Brand New Author]\n"

BAD_FILES = {
    "no header": (
        "title: Good\nsection: News\nauthors: Jane\n\nText.\n",
        1,
        "must start with a front-matter header",
    ),
    "unclosed header": (
        "---\n" + GOOD_FRONT + "\nText.\n",
        6,
        "not closed",
    ),
    "invalid YAML": (
        "---\n" + GOOD_FRONT + "summary: a: b\n---\nText.\n",
        5,
        "not valid YAML",
    ),
    "unknown key": (
        "---\n" + GOOD_FRONT + "\ncategory: Sport\n---\nText.\n",
        6,
        "category: unknown key",
    ),
    "missing title": (
        "---\nsection: Brand New Section\nauthors: [Brand New Author]\n---\nText.\n",
        4,
        "title: missing",
    ),
    "missing section": (
        "---\ntitle: Good\nauthors: [Brand New Author]\n---\nText.\n",
        4,
        "section: missing",
    ),
    "missing authors": (
        "---\ntitle: Good\nsection: Brand New Section\n---\nText.\n",
        4,
        "authors: missing; name at least one author, or give a credit",
    ),
    "empty authors": (
        "---\ntitle: Good\nsection: Brand New Section\nauthors: []\n---\nText.\n",
        4,
        "authors: name at least one author, or give a credit",
    ),
    "bad status": (
        "---\n" + GOOD_FRONT + "status: pending\n---\nText.\n",
        5,
        "status: must be draft or published, not 'pending'",
    ),
    "bad comments value": (
        "---\n" + GOOD_FRONT + "comments: maybe\n---\nText.\n",
        5,
        "comments: must be open or closed, not 'maybe'",
    ),
    "bad date": (
        "---\n" + GOOD_FRONT + "date: next Tuesday\n---\nText.\n",
        5,
        "date: not a valid date",
    ),
    "impossible date": (
        "---\n" + GOOD_FRONT + "tags: [a]\ndate: 2025-02-30\n---\nText.\n",
        6,
        "date: not a valid date",
    ),
    "impossible updated date": (
        "---\n" + GOOD_FRONT + "updated: 2025-13-01\n---\nText.\n",
        5,
        "updated: not a valid date",
    ),
    "missing image file": (
        "---\n" + GOOD_FRONT + "image: nowhere.png\n---\nText.\n",
        5,
        "image: no image file at",
    ),
    "authors not names": (
        "---\ntitle: Good\nsection: Brand New Section\nauthors: {name: Jane}\n---\nText.\n",
        4,
        "authors: expected a list of names",
    ),
    "front matter not key-value": (
        "---\n- just\n- a list\n---\nText.\n",
        2,
        "must be 'key: value' lines",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_bad_front_matter_is_reported_with_file_line_and_reason(site, tmp_path, case):
    text, line, reason = BAD_FILES[case]
    path = tmp_path / "bad.md"
    path.write_text(text, encoding="utf-8")
    before = counts()

    with pytest.raises(CommandError, match=r"1 of 1 file\(s\) not published"):
        call_command("publish", str(path), stdout=StringIO(), stderr=(err := StringIO()))

    message = err.getvalue()
    assert message.startswith(f"{path}:{line}: ")
    assert reason in message
    assert "(nothing written)" in message
    assert counts() == before
    assert not SectionPage.objects.filter(title="Brand New Section").exists()
    assert not AuthorPage.objects.filter(title="Brand New Author").exists()


def test_image_that_is_not_an_image_is_reported_and_nothing_written(site, tmp_path):
    (tmp_path / "photo.png").write_text("this is not a picture", encoding="utf-8")
    path = tmp_path / "story.md"
    path.write_text("---\n" + GOOD_FRONT + "image: photo.png\n---\nText.\n", encoding="utf-8")
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("publish", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue().startswith(f"{path}:5: image: ")
    assert "is not an image" in err.getvalue()
    assert counts() == before
    assert not GazetteImage.objects.exists()


def test_invalid_yaml_is_reported_at_the_line_of_the_error(site, tmp_path):
    path = tmp_path / "bad.md"
    path.write_text(
        "---\ntitle: Good\nsection: News\nauthors: [Jane Roe\nsummary: fine\n---\nText.\n",
        encoding="utf-8",
    )
    with pytest.raises(FrontMatterError) as info:
        publish_file(path)
    # The list opened on line 4 is found unclosed on line 5, where the next key starts.
    assert info.value.line == 5
    assert info.value.reason.startswith("the front matter is not valid YAML: expected ',' or ']'")


def test_non_utf8_file_is_rejected_at_the_line_of_the_bad_byte(site, tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes(
        b"---\ntitle: Good\nsection: News\nauthors: Jane Roe\nsummary: caf\xe9\n---\nText.\n"
    )
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("publish", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue().startswith(f"{path}:5: the file is not valid UTF-8")
    assert counts() == before


def test_nul_byte_is_rejected_at_its_line(site, tmp_path):
    path = tmp_path / "nul.md"
    path.write_bytes(b"---\ntitle: Good\nsection: News\nauthors: Jane Roe\n---\nText\x00 here.\n")
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("publish", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue().startswith(f"{path}:6: NUL byte")
    assert counts() == before


def test_missing_file_is_reported_not_crashed_on(site, tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("publish", str(tmp_path / "nope.md"), stdout=StringIO(), stderr=err)
    assert "cannot read the file" in err.getvalue()


def test_utf8_with_byte_order_mark_is_accepted(site, tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes(
        "\ufeff---\ntitle: Café reopens\nsection: News\nauthors: Jane Roe\n---\nText.\n".encode()
    )
    article, _ = publish_file(path)
    assert article.title == "Café reopens"


def test_bad_file_leaves_an_existing_article_unchanged(site, tmp_path):
    path = write(tmp_path, "harbour.md", HARBOUR)
    first, _ = publish_file(path)
    path.write_text(
        HARBOUR.replace("title: Harbour wall", "title: Changed").replace(
            "tags:", "colour: red\ntags:"
        ),
        encoding="utf-8",
    )
    with pytest.raises(FrontMatterError):
        publish_file(path)
    first.refresh_from_db()
    assert first.title == "Harbour wall to be rebuilt after storm"


def test_one_bad_file_does_not_stop_the_good_one(site, client, tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: Bad\nsection: News\n---\nNo authors.\n", encoding="utf-8")
    good = write(tmp_path, "harbour.md", HARBOUR)
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match=r"1 of 2 file\(s\) not published"):
        call_command("publish", str(bad), str(good), stdout=out, stderr=err)

    assert f"{bad}:4: authors: missing" in err.getvalue()
    assert "http://testserver/local/harbour-wall-to-be-rebuilt-after-storm/" in out.getvalue()
    article = ArticlePage.objects.get()
    assert article.live and article.title == "Harbour wall to be rebuilt after storm"
    assert client.get(article.url).status_code == 200
