"""A local naive Bayes spam classifier, trained by moderators' own decisions.

Each comment becomes a set of tokens: its words (lower-cased, 2 to 30 letters) and a few
features a word list cannot see (how many links, whether a website is given and its domain,
the email's domain, length and shouting). Approving a comment teaches "ham", marking it as
spam teaches "spam" (moderation.py calls learn()). The score is the probability of spam
under naive Bayes with Laplace smoothing; checks.py only ever *holds* a comment on a high
score, never rejects it, and not before it has learned from a few comments of each kind.

The arithmetic works on any mapping of counts, so bench/classifier.py measures the very
same code in memory.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import F

from gazette.comments.models import ClassifierToken, Comment

_WORD = re.compile(r"[^\W\d_]{2,30}", re.UNICODE)
_LINK = re.compile(r"https?://[^\s<>\"')\]]+|www\.[^\s<>\"')\]]+", re.I)
TOTAL = ""  # the token whose counts are the numbers of comments learned
# Both kinds need this many examples before the classifier is allowed to hold anything.
MIN_EXAMPLES = 10


def _domain(url: str) -> str:
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")[:50]


def tokens(*, name: str, email: str, body: str, website: str = "") -> set[str]:
    found = {w.lower() for w in _WORD.findall(body)}
    found |= {f"name:{w.lower()}" for w in _WORD.findall(name)}
    links = _LINK.findall(body)
    found.add(f"feat:links={min(len(links), 3)}")
    found |= {f"link:{_domain(link)}" for link in links[:10] if _domain(link)}
    if website:
        found.add("feat:website")
        found.add(f"site:{_domain(website)}")
    if "@" in email:
        found.add(f"mail:{email.rsplit('@', 1)[1].lower()[:50]}")
    length = len(body)
    found.add(f"feat:len={'short' if length < 40 else 'mid' if length < 400 else 'long'}")
    letters = [c for c in body if c.isalpha()]
    if len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.5:
        found.add("feat:shouting")
    return {t[:64] for t in found}


def comment_tokens(comment: Comment) -> set[str]:
    return tokens(
        name=comment.name, email=comment.email, body=comment.body, website=comment.website
    )


def spam_probability(found: Iterable[str], counts: Mapping[str, tuple[int, int]]) -> float | None:
    """P(spam | tokens) from (spam, ham) document counts per token; None until trained."""
    n_spam, n_ham = counts.get(TOTAL, (0, 0))
    if n_spam < MIN_EXAMPLES or n_ham < MIN_EXAMPLES:
        return None
    log_spam = math.log(n_spam / (n_spam + n_ham))
    log_ham = math.log(n_ham / (n_spam + n_ham))
    for token in found:
        spam, ham = counts.get(token, (0, 0))
        if not spam and not ham:
            continue  # never seen: says nothing either way
        log_spam += math.log((spam + 1) / (n_spam + 2))
        log_ham += math.log((ham + 1) / (n_ham + 2))
    # exp of the difference, guarded against overflow for very long comments.
    diff = max(min(log_ham - log_spam, 700.0), -700.0)
    return 1.0 / (1.0 + math.exp(diff))


def _stored_counts(found: set[str]) -> dict[str, tuple[int, int]]:
    rows = ClassifierToken.objects.filter(token__in=[*found, TOTAL])
    return {r.token: (r.spam, r.ham) for r in rows.only("token", "spam", "ham")}


def score(comment: Comment) -> float | None:
    found = comment_tokens(comment)
    return spam_probability(found, _stored_counts(found))


def _add(found: set[str], field: str, step: int) -> None:
    names = [*found, TOTAL]
    # Create missing rows at zero, then count in one UPDATE: concurrent moderators add up
    # instead of overwriting each other.
    ClassifierToken.objects.bulk_create(
        [ClassifierToken(token=t) for t in names], ignore_conflicts=True
    )
    rows = ClassifierToken.objects.filter(token__in=names)
    if step < 0:
        rows = rows.filter(**{f"{field}__gt": 0})
    rows.update(**{field: F(field) + step})


def learn(comment: Comment, is_spam: bool) -> None:
    """Teach the classifier a moderator's decision; a changed mind moves the counts."""
    label = "spam" if is_spam else "ham"
    if comment.learned_as == label:
        return
    found = comment_tokens(comment)
    with transaction.atomic():
        if comment.learned_as:
            _add(found, comment.learned_as, -1)
        _add(found, label, +1)
        Comment.objects.filter(pk=comment.pk).update(learned_as=label)
    comment.learned_as = label
