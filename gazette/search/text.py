"""What a reader's query becomes, and the snippet that shows why an article matched.

Readers type anything: quotes, ``*``, ``AND``, ``NEAR(...)``, SQL, ten thousand characters.
None of it reaches the full-text engine as syntax: a query is reduced to its words (letters
and digits), lower-cased so that FTS5's upper-case operators (AND, OR, NOT, NEAR) are plain
words, and capped in length and number of words. Every word must match (AND).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_CHARS = 200
MAX_TERMS = 10
SNIPPET_WORDS = 40

# FTS5's operators as readers type them; lower-case "and" or "not" are searched as words.
OPERATORS = {"AND", "OR", "NOT", "NEAR"}
_WORD = re.compile(r"\w+")
# Words and what lies between them, so a snippet can be rebuilt with some words marked.
_TOKENS = re.compile(r"(\w+)")


@dataclass
class Query:
    text: str  # what the reader typed, truncated: shown back in the form
    terms: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def search_string(self) -> str:
        return " ".join(self.terms)


def parse(raw: str) -> Query:
    """The words of a reader's query, with notes on anything that was left out."""
    text = raw.strip()
    query = Query(text=text)
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        if _WORD.match(text[MAX_QUERY_CHARS]) and " " in cut:
            cut = cut.rsplit(" ", 1)[0]  # not half a word, which would match nothing
        query.text = cut.rstrip()
        query.notes.append(
            f"Your search was too long and was shortened to its first {MAX_QUERY_CHARS} characters."
        )
    terms: list[str] = []
    for word in _WORD.findall(query.text.replace("_", " ")):
        if word in OPERATORS:
            continue  # meant as a search operator, which Gazette does not offer
        word = word.casefold()
        if word not in terms:
            terms.append(word)
    if len(terms) > MAX_TERMS:
        terms = terms[:MAX_TERMS]
        query.notes.append(f"Only the first {MAX_TERMS} words of your search were used.")
    query.terms = terms
    return query


def _matches(word: str, terms: list[str]) -> bool:
    # The index stems words ("harbours" finds "harbour"), so a word is marked when it
    # starts with a search term or the term starts with it, less a plural or verb ending.
    folded = word.casefold()
    for term in terms:
        if folded == term or (len(term) >= 3 and folded.startswith(term)):
            return True
        stem = term.rstrip("s") if len(term) > 4 else term
        if len(stem) >= 4 and folded.startswith(stem):
            return True
    return False


def highlight(text: str, terms: list[str]) -> SafeString:
    """``text`` escaped, with the words that match ``terms`` wrapped in <mark>."""
    parts = []
    for i, piece in enumerate(_TOKENS.split(text)):
        if i % 2 and _matches(piece, terms):
            parts.append(f"<mark>{escape(piece)}</mark>")
        else:
            parts.append(escape(piece))
    return mark_safe("".join(parts))  # noqa: S308 - every piece was escaped above


def plain_text(html_text: str) -> str:
    return " ".join(html.unescape(strip_tags(html_text)).split())


def snippet(text: str, terms: list[str], words: int = SNIPPET_WORDS) -> SafeString:
    """About ``words`` words of ``text`` around its first match, matches marked."""
    tokens = text.split()
    if not tokens:
        return mark_safe("")
    first = next(
        (i for i, tok in enumerate(tokens) if any(_matches(w, terms) for w in _WORD.findall(tok))),
        0,
    )
    start = max(0, min(first - words // 3, len(tokens) - words))
    window = " ".join(tokens[start : start + words])
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + words < len(tokens) else ""
    return mark_safe(prefix + highlight(window, terms) + suffix)  # noqa: S308 - escaped
