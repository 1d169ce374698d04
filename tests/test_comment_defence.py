"""The moderation pipeline seen from the public form: what a spammer's tools get (refused,
held, rate-limited) and what an honest reader gets, with reasons a moderator can read."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from gazette.comments.checks import REJECT, Verdict
from gazette.comments.models import Comment
from gazette.comments.moderation import comment_approve
from tests.comment_helpers import GOOD, aged_token, post, token_in_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def guard_on(settings):
    settings.GAZETTE_COMMENTS_FORM_GUARD = True
    return settings


def text_of(response) -> str:
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# The honeypot and the signed timestamp ---------------------------------------------------


def test_honest_first_comment_is_held_as_a_first_timer(client, make_article):
    article = make_article()
    response = post(client, article)
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.reasons == ["first-time"]


def test_page_renders_a_fresh_signed_timestamp_and_a_hidden_honeypot(client, make_article):
    article = make_article()
    html = client.get(article.url).content.decode()
    assert token_in_page(html)
    assert '<p class="comment-hp">' in html
    assert ".comment-hp { display: none; }" in open("gazette/static/gazette/site.css").read()
    assert 'tabindex="-1"' in html.split('class="comment-hp"')[1].split("</p>")[0]


def test_filled_honeypot_is_refused_and_kept_as_spam_with_its_reason(client, make_article):
    article = make_article()
    response = post(client, article, url="http://spam.example/")
    assert response.status_code == 400
    assert "could not be accepted" in text_of(response)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert comment.reasons[0] == "honeypot"


def test_post_without_the_page_timestamp_is_refused(client, make_article):
    article = make_article()
    response = post(client, article, token="")
    assert response.status_code == 400
    assert Comment.objects.get().reasons[0] == "no-form-token"


def test_forged_or_other_article_timestamp_is_refused(client, make_article):
    article, other = make_article(), make_article()
    assert post(client, article, token=aged_token(other)).status_code == 400
    assert (
        post(client, article, token="x" + aged_token(article), body="Other words").status_code
        == 400
    )
    assert [c.reasons[0] for c in Comment.objects.order_by("pk")] == ["bad-form-token"] * 2


def test_form_sent_right_after_the_page_loaded_is_refused_with_advice(client, make_article):
    article = make_article()
    token = token_in_page(client.get(article.url).content.decode())
    response = post(client, article, token=token)
    assert response.status_code == 400
    assert "please wait a few seconds" in text_of(response)
    # The reader's text is still in the form to send again.
    assert GOOD["body"] in response.content.decode()
    assert Comment.objects.get().reasons[0].startswith("too-fast")


def test_very_old_form_is_held_not_refused(client, make_article, settings):
    """A page can sit in the page cache; an old timestamp must not lose a reader's words."""
    article = make_article()
    token = aged_token(article, settings.GAZETTE_COMMENTS_FORM_MAX_AGE + 60)
    assert post(client, article, token=token).status_code == 303
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.reasons[0].startswith("form-old")


def test_cached_article_page_expires_before_its_timestamp_is_too_old(rf, make_article, settings):
    from gazette.comments.views import blank_form_html

    article = make_article()
    request = rf.get(article.url)
    blank_form_html(request, article)
    assert request.cache_expires <= time.time() + settings.GAZETTE_COMMENTS_FORM_MAX_AGE / 2


# Rate limits -------------------------------------------------------------------------


def test_flood_of_100_comments_from_one_network_gets_429_after_the_limit(client, make_article):
    article = make_article()
    statuses = [
        post(
            client,
            article,
            body=f"Comment number {n} about the pier.",
            email=f"reader{n}@example.org",
            REMOTE_ADDR=f"198.51.100.{n % 250}",
        ).status_code
        for n in range(100)
    ]
    assert statuses[:10] == [303] * 10
    assert set(statuses[10:]) == {429}
    assert Comment.objects.count() == 10


def test_429_is_a_readable_page_with_retry_after(client, make_article, settings):
    settings.GAZETTE_COMMENTS_RATE_EMAIL = "1/600"
    article = make_article()
    post(client, article)
    response = post(client, article, body="A second thought.", REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assert "Please wait a few minutes" in text_of(response)
    assert article.title in text_of(response)
    assert Comment.objects.count() == 1


# Content checks --------------------------------------------------------------------------


def test_two_links_hold_the_comment_with_the_reason(client, make_article):
    article = make_article()
    post(client, article, body="See https://a.example/ and http://b.example/x")
    assert Comment.objects.get().reasons == ["links:2", "first-time"]


def test_duplicate_comment_is_refused_and_the_first_kept(client, make_article):
    article = make_article()
    post(client, article)
    response = post(client, article, body="  THE pier was rebuilt once before,  in 1952. ")
    assert response.status_code == 400
    assert "already posted this comment" in text_of(response)
    assert Comment.objects.count() == 1


def test_same_text_on_other_articles_is_held_as_a_repeat(client, make_article):
    one, two = make_article(), make_article()
    post(client, one, email="a@example.org")
    post(client, two, email="b@example.org")
    assert Comment.objects.get(article=two).reasons == ["repeat:1", "first-time"]


def test_word_lists_match_whole_words_only(client, make_article, settings):
    settings.GAZETTE_COMMENTS_REJECT_WORDS = ["viagra"]
    settings.GAZETTE_COMMENTS_HOLD_WORDS = ["class"]
    article = make_article()
    response = post(client, article, body="Cheap VIAGRA here")
    assert response.status_code == 400
    assert "language this site does not publish" in text_of(response)
    assert Comment.objects.get().reasons[0] == "reject-word:viagra"

    post(client, article, body="A classic story of the working class.", email="c@example.org")
    held = Comment.objects.get(email="c@example.org")
    assert held.status == Comment.Status.PENDING
    assert held.reasons == ["hold-word:class", "first-time"]

    post(client, article, body="A classic story.", email="d@example.org")
    assert Comment.objects.get(email="d@example.org").reasons == ["first-time"]


def reject_everything_from_example_net(submission):
    if submission.email.endswith("@example.net"):
        return Verdict(REJECT, "site:blocked-domain", message="This address cannot comment.")
    return Verdict()


def test_a_sites_own_check_runs_when_configured(client, make_article, settings):
    article = make_article()
    post(client, article, email="x@example.net")
    assert Comment.objects.get().status == Comment.Status.PENDING  # off by default

    settings.GAZETTE_COMMENTS_EXTRA_CHECKS = [
        "tests.test_comment_defence.reject_everything_from_example_net"
    ]
    response = post(client, article, email="y@example.net", body="Another view.")
    assert response.status_code == 400
    assert "This address cannot comment." in text_of(response)
    assert Comment.objects.get(email="y@example.net").reasons[0] == "site:blocked-domain"


# Replies -----------------------------------------------------------------------------


def approved(article, body="Top comment.", parent=None, email="top@example.org"):
    return comment_approve(
        comment=Comment.objects.create(
            article=article, parent=parent, name="Top", email=email, body=body
        )
    )


def test_reply_to_a_comment_on_another_article_is_refused(client, make_article):
    article, other = make_article(), make_article()
    elsewhere = approved(other)
    response = post(client, article, parent=elsewhere.pk)
    assert response.status_code == 400
    assert "only reply to a comment on this article" in text_of(response)
    assert GOOD["body"] in response.content.decode()
    assert not Comment.objects.filter(article=article).exists()


def test_reply_to_a_pending_comment_is_refused(client, make_article):
    article = make_article()
    waiting = Comment.objects.create(article=article, name="W", email="w@example.org", body="Hm")
    response = post(client, article, parent=waiting.pk)
    assert response.status_code == 400
    assert "is not published" in text_of(response)


def test_reply_to_a_missing_comment_is_refused(client, make_article):
    response = post(client, make_article(), parent=999999)
    assert response.status_code == 400
    assert "no longer exists" in text_of(response)


def test_replies_stop_at_the_configured_depth(client, make_article, settings):
    article = make_article()
    first = approved(article, "One.")
    second = approved(article, "Two.", parent=first)
    assert post(client, article, parent=second.pk).status_code == 303
    third = Comment.objects.get(parent=second)
    assert third.status == Comment.Status.PENDING

    comment_approve(comment=third)
    response = post(client, article, parent=third.pk, body="Fourth level.")
    assert response.status_code == 400
    assert "3 levels deep at most" in text_of(response)

    settings.GAZETTE_COMMENTS_MAX_DEPTH = 5
    assert post(client, article, parent=third.pk, body="Fourth level.").status_code == 303


# Trust after verification ------------------------------------------------------------


def verify_from_mail(client, mailoutbox) -> None:
    link = re.search(r"http://\S+/comments/verify/\S+/", mailoutbox[-1].body).group(0)
    response = client.get(link.split("testserver", 1)[-1].replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 200


def test_verified_and_approved_commenter_is_published_at_once(client, make_article, mailoutbox):
    article = make_article()
    post(client, article)
    first = Comment.objects.get()
    verify_from_mail(client, mailoutbox)
    comment_approve(comment=first)

    response = post(client, article, body="A second, later thought.")
    assert response.status_code == 303
    second = Comment.objects.latest("pk")
    assert second.status == Comment.Status.APPROVED
    assert second.reasons == []
    assert "A second, later thought." in client.get(article.url).content.decode()


def test_same_name_and_email_from_another_browser_is_not_trusted(
    client, django_user_model, make_article, mailoutbox
):
    from django.test import Client

    article = make_article()
    post(client, article)
    verify_from_mail(client, mailoutbox)
    comment_approve(comment=Comment.objects.get())

    impostor = Client()
    assert post(impostor, article, body="Pretending to be Ann.").status_code == 303
    fake = Comment.objects.latest("pk")
    assert fake.status == Comment.Status.PENDING
    assert fake.reasons == ["unverified"]


def test_trusted_commenters_still_pass_the_other_checks(client, make_article, mailoutbox):
    article = make_article()
    post(client, article)
    verify_from_mail(client, mailoutbox)
    comment_approve(comment=Comment.objects.get())
    post(client, article, body="Links: https://a.example/ https://b.example/")
    assert Comment.objects.latest("pk").reasons == ["links:2"]


# Policy ------------------------------------------------------------------------------


def test_hold_all_article_holds_even_trusted_commenters(client, make_article, mailoutbox):
    article = make_article()
    post(client, article)
    verify_from_mail(client, mailoutbox)
    comment_approve(comment=Comment.objects.get())
    article.comments_hold_all = True
    article.save()
    assert "read by an editor before it appears" in client.get(article.url).content.decode()
    post(client, article, body="Another thought.")
    assert Comment.objects.latest("pk").reasons == ["hold-all"]


def test_comments_close_by_themselves_after_the_site_setting(client, make_article, settings):
    import datetime as dt

    from django.utils import timezone

    settings.GAZETTE_COMMENTS_CLOSE_AFTER_DAYS = 14
    old = make_article(date=timezone.now() - dt.timedelta(days=15))
    fresh = make_article(date=timezone.now() - dt.timedelta(days=3))

    page = text_of(client.get(old.url))
    assert "Comments are closed: this article stopped taking comments on" in page
    assert "14 days after it was published" in page
    assert "Leave a comment" not in page
    response = post(client, old)
    assert response.status_code == 403
    assert "Comments are closed" in text_of(response)
    assert not Comment.objects.exists()

    assert "Leave a comment" in text_of(client.get(fresh.url))
    assert post(client, fresh).status_code == 303


def test_an_article_can_override_the_closing_days(client, make_article, settings):
    import datetime as dt

    from django.utils import timezone

    settings.GAZETTE_COMMENTS_CLOSE_AFTER_DAYS = 14
    never = make_article(date=timezone.now() - dt.timedelta(days=400), comments_close_after_days=0)
    assert post(client, never).status_code == 303
    soon = make_article(date=timezone.now() - dt.timedelta(days=3), comments_close_after_days=2)
    assert post(client, soon, email="z@example.org").status_code == 403


# What moderators see ---------------------------------------------------------------


def test_queue_shows_why_each_comment_was_held(client, make_article, alice):
    article = make_article()
    post(client, article, body="See https://a.example/ and https://b.example/")
    client.force_login(alice)
    page = text_of(client.get(reverse("comments_queue")))
    assert "Why: contains several links (2); first comment from this address" in page


# Behind a reverse proxy ---------------------------------------------------------------


def test_behind_a_trusted_proxy_each_reader_has_their_own_limit(client, make_article, settings):
    settings.GAZETTE_COMMENTS_RATE_NETWORK = "1/600"
    settings.GAZETTE_TRUSTED_PROXIES = ["127.0.0.1"]
    article = make_article()
    for n, reader in enumerate(["203.0.113.7", "198.51.100.8"]):
        response = post(
            client,
            article,
            body=f"Reader {n}",
            email=f"r{n}@example.org",
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.9, {reader}",
        )
        assert response.status_code == 303
    assert sorted(Comment.objects.values_list("ip_network", flat=True)) == [
        "198.51.100.0/24",
        "203.0.113.0/24",
    ]


def test_forwarded_for_is_ignored_from_an_untrusted_address(client, make_article, settings):
    settings.GAZETTE_COMMENTS_RATE_NETWORK = "1/600"
    article = make_article()
    post(client, article, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    response = post(
        client,
        article,
        body="Again",
        email="x@example.org",
        REMOTE_ADDR="192.0.2.1",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert response.status_code == 429
