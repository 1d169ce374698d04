"""`gazette generate`: a large site written in bulk must be a site Wagtail cannot tell from
one made page by page: a sound tree, pages that render, articles in order, comments
moderated as usual, and a second run that adds to the first."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page

from gazette.comments.models import Comment
from gazette.news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticleTag,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
)
from gazette.newsroom import generate as generate_module
from gazette.newsroom.generate import Progress, generate

pytestmark = pytest.mark.django_db

NO_PROBLEMS = ([], [], [], [], [])


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("generate", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def generated(site):
    """60 articles and 300 comments over 4 sections and 5 authors."""
    output = run(
        "--articles", "60", "--comments", "300", "--sections", "4", "--authors", "5",
        "--seed", "7", "--batch", "25",
    )  # fmt: skip
    return output


def children(parent: Page):
    return Page.objects.child_of(parent).order_by("path")


def test_counts_match_and_the_tree_has_no_problems(generated):
    assert ArticlePage.objects.count() == 60
    assert Comment.objects.count() == 300
    assert [s.title for s in SectionPage.objects.order_by("path")] == [
        "News",
        "World",
        "Business",
        "Culture",
    ]
    assert AuthorPage.objects.count() == 5
    assert Page.find_problems() == NO_PROBLEMS
    for section in SectionPage.objects.all():
        assert section.numchild == section.get_children().count()
    assert "Articles: 60" in generated and "Comments: 300" in generated
    assert "Generated 60 articles and 300 comments" in generated


def test_articles_look_like_wagtail_made_them(generated):
    now = timezone.now()
    articles = list(ArticlePage.objects.select_related("content_type"))
    dates = [a.date for a in articles]
    assert len(set(dates)) == len(dates)
    assert all(now - dt.timedelta(days=3 * 366) < d < now for d in dates)
    for article in articles:
        section = article.get_parent()
        assert isinstance(section.specific, SectionPage)
        assert article.url_path == f"{section.url_path}{article.slug}/"
        assert article.depth == section.depth + 1 and article.numchild == 0
        assert article.live and not article.has_unpublished_changes
        assert article.title == article.draft_title and article.title.strip()
        assert article.first_published_at == article.date
        assert article.last_published_at == (article.updated or article.date)
        assert article.specific_class is ArticlePage
        assert article.locale_id == section.locale_id
        assert article.standfirst
        kinds = [block.block_type for block in article.body]
        assert kinds.count("quote") == 1 and kinds.count("paragraph") >= 4
        quote = next(b for b in article.body if b.block_type == "quote")
        assert quote.value["quote"] and quote.value["attribution"]
        assert 1 <= article.authors.count() <= 2
        assert 0 <= article.tags.count() <= 3
    slugs = Counter((a.get_parent().pk, a.slug) for a in articles)
    assert max(slugs.values()) == 1
    assert len({a.translation_key for a in articles}) == len(articles)
    assert Tag.objects.count() == 200
    assert ArticleAuthor.objects.filter(sort_order__gt=0).exists()


def test_pages_render(generated, client, admin_user):
    newest = ArticlePage.objects.published().first()
    two_authors = (
        ArticlePage.objects.annotate(n=Count("authors")).filter(n=2).first()
        or ArticlePage.objects.first()
    )
    urls = ["/", "/authors/", newest.url, two_authors.url]
    urls += [s.url for s in SectionPage.objects.all()]
    urls += [a.url for a in AuthorPage.objects.all()]
    urls += [
        f"/tags/{t.slug}/" for t in Tag.objects.filter(news_articletag_items__isnull=False)[:3]
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get(newest.url + "?page=2").status_code == 200

    # The admin works on a generated article: its edit form opens, and it can be
    # published again without breaking the tree.
    client.force_login(admin_user)
    assert client.get(f"/admin/pages/{newest.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{newest.get_parent().pk}/").status_code == 200
    newest.title = "Edited after generation"
    newest.save_revision().publish()
    assert Page.find_problems() == NO_PROBLEMS
    client.logout()
    assert "Edited after generation" in client.get(newest.url).content.decode()


def test_home_lists_articles_newest_first(generated, client, settings):
    published = list(ArticlePage.objects.published())
    assert len(published) == 60
    dates = [a.date for a in published]
    assert dates == sorted(dates, reverse=True)
    page = client.get("/").content.decode()
    listed = re.findall(r'class="card-title"><a href="([^"]*)">', page)
    per_page = settings.GAZETTE_ARTICLES_PER_PAGE
    assert listed == [a.url for a in published[:per_page]]
    assert html.escape(published[0].title, quote=True) in page


def test_comments_are_mixed_skewed_and_only_approved_ones_are_shown(generated, client):
    statuses = Counter(Comment.objects.values_list("status", flat=True))
    assert statuses[Comment.Status.APPROVED] > 200
    assert statuses[Comment.Status.PENDING] > 0 and statuses[Comment.Status.SPAM] > 0
    assert all(e.endswith("@example.com") for e in Comment.objects.values_list("email", flat=True))
    now = timezone.now()
    for comment in Comment.objects.select_related("article"):
        assert comment.article.date < comment.created_at <= now
        if comment.status == Comment.Status.PENDING:
            assert comment.moderated_at is None
        else:
            assert comment.created_at <= comment.moderated_at <= now
    per_article = Counter(Comment.objects.values_list("article_id", flat=True))
    (viral, most), *_ = per_article.most_common()
    assert most >= 4 * 300 / 60  # a few articles get many comments
    assert viral == ArticlePage.objects.published().filter(comments_open=True).first().pk

    article = ArticlePage.objects.get(pk=viral)
    response = client.get(article.url)
    assert response.status_code == 200
    approved = Comment.objects.approved().filter(article=article)
    assert response.context["discussion"].count == approved.count()
    page = response.content.decode()
    # The first page of the discussion, oldest first.
    first_page = approved.values_list("pk", flat=True)[: settings.GAZETTE_COMMENTS_PER_PAGE]
    assert all(f'id="comment-{pk}"' in page for pk in first_page)
    hidden = Comment.objects.filter(article=article).exclude(status=Comment.Status.APPROVED)
    assert hidden.exists()
    assert not any(f'id="comment-{pk}"' in page for pk in hidden.values_list("pk", flat=True))


def test_a_second_run_adds_more_without_breaking_the_tree(generated, monkeypatch):
    last_path = {s.pk: children(s).last().path for s in SectionPage.objects.all()}
    first_ids = set(ArticlePage.objects.values_list("pk", flat=True))
    # Every new article has the same headline, so their slugs must be made unique.
    monkeypatch.setattr(generate_module, "HEADLINES", ("The same story",))

    run("--articles", "40", "--comments", "100", "--sections", "4", "--authors", "5",
        "--seed", "7")  # fmt: skip

    assert ArticlePage.objects.count() == 100
    assert Comment.objects.count() == 400
    assert SectionPage.objects.count() == 4 and AuthorPage.objects.count() == 5
    assert Tag.objects.count() == 200
    assert Page.find_problems() == NO_PROBLEMS
    for section in SectionPage.objects.all():
        slugs = list(children(section).values_list("slug", flat=True))
        assert len(slugs) == len(set(slugs)) == section.numchild
        new = children(section).exclude(pk__in=first_ids)
        assert all(p.path > last_path[section.pk] for p in new)
        assert {p.slug for p in new} == {"the-same-story"} | {
            f"the-same-story-{n}" for n in range(2, new.count() + 1)
        }
    assert ArticleTag.objects.values("content_object_id", "tag_id").distinct().count() == (
        ArticleTag.objects.count()
    )


def test_more_sections_and_authors_are_added_to_the_existing_ones(site, make_article):
    make_article("Written by hand")  # News and Jane Roe exist already
    generate(articles=5, comments=0, sections=3, authors=2, seed=1)
    assert [s.title for s in SectionPage.objects.order_by("path")] == ["News", "World", "Business"]
    assert AuthorPage.objects.count() == 2 and AuthorPage.objects.filter(title="Jane Roe").exists()
    assert ArticlePage.objects.count() == 6
    assert Page.find_problems() == NO_PROBLEMS


def test_comments_only_go_to_existing_articles(site, make_article):
    article = make_article("The only one")
    generate(articles=0, comments=20, sections=1, authors=1, seed=3)
    assert Comment.objects.filter(article=article).count() == 20


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--articles", "-1"], "--articles must be 0 or more, not -1."),
        (["--comments", "-5"], "--comments must be 0 or more, not -5."),
        (["--sections", "0"], "--sections must be 1 or more, not 0."),
        (["--authors", "-2"], "--authors must be 1 or more, not -2."),
        (["--batch", "0"], "--batch must be 1 or more, not 0."),
        (["--comments", "10"], "There is no published article to comment on"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(site, args, message):
    pages = Page.objects.count()
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args)
    assert Page.objects.count() == pages


def test_the_site_must_be_set_up_first(db):
    with pytest.raises(CommandError, match=re.escape("run `gazette setup` first")):
        run("--articles", "5")
    assert not HomePage.objects.exists() and not AuthorIndexPage.objects.exists()


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_on_a_terminal_redraws_one_line():
    out, clock = io.StringIO(), FakeClock()
    progress = Progress("Comments", 1_000_000, out.write, tty=True, clock=clock)
    clock.now = 25.0
    progress.advance(250_000)
    text = out.getvalue()
    assert text.startswith("\r") and "\n" not in text
    assert "250,000/1,000,000" in text and "25%" in text
    assert "10,000/s" in text and "ETA 0:01:15" in text
    clock.now = 100.0
    progress.advance(750_000)
    progress.finish()
    last = out.getvalue().split("\r")[-1]
    assert last.endswith("\n")  # the next output starts on a line of its own
    assert last.rstrip() == "Comments: 1,000,000 in 0:01:40 (10,000/s)"


def test_progress_elsewhere_writes_plain_lines_now_and_then():
    out, clock = io.StringIO(), FakeClock()
    progress = Progress("Articles", 100, out.write, tty=False, clock=clock)
    for second in range(1, 11):
        clock.now = float(second)
        progress.advance(10)
    progress.finish()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert len(lines) == 3  # at 5 s, at 10 s, and the total
    assert "50/100" in lines[0] and "ETA 0:00:05" in lines[0]
    assert lines[-1] == "Articles: 100 in 0:00:10 (10/s)"
