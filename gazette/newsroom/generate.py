"""A large, realistic site for benchmarks: ``gazette generate``.

Wagtail's own way of making a page (``add_child()``, then a revision and ``publish()``)
costs a dozen queries per page: hours for 100,000 articles. Here a batch of articles is
written with a few multi-row INSERTs in one transaction, and the page tree's fields
(``path``, ``depth``, ``numchild``, ``url_path``) are computed as treebeard and Wagtail
compute them for ``add_child(pos="last-child")``, so the tree is exactly as the slow way
would leave it: ``Page.find_problems()`` finds nothing, pages are served normally, and an
editor can open, change and publish a generated article like any other.

Skipped for speed, on purpose:

- revisions: a page without one is edited from its live version, as Wagtail does for
  pages made in code;
- Wagtail's search index and reference index: both are filled from ``post_save``, which
  bulk inserts do not send (``gazette update_index`` and
  ``gazette rebuild_references_index`` fill them afterwards, slowly).

Sections and authors are few, so they are made through Wagtail's API as usual.

Each batch is one transaction that also bumps its sections' ``numchild``: an interrupted run
leaves a smaller but consistent site, and a second run continues each section's paths after
its last child.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import random
import secrets
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.models import Page, PageQuerySet

from gazette.comments.models import Comment
from gazette.news.markdown_import import _section
from gazette.news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticleQuerySet,
    ArticleTag,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
)

Write = Callable[[str], None]

YEARS = 3  # articles are dated over this many years back from now
COMMENTS_PER_ARTICLE_BATCH = 10  # a transaction of comments is this many times --batch

SECTION_NAMES = (
    "News", "World", "Business", "Culture", "Sport", "Science", "Opinion", "Technology",
    "Politics", "Health", "Environment", "Education", "Travel", "Food", "Books", "Music",
    "Film", "Arts", "Money", "Weather", "Local", "Lifestyle", "Obituaries", "Letters",
)  # fmt: skip

FIRST_NAMES = (
    "Ada", "Amara", "Ben", "Carlos", "Chen", "Chloe", "Dara", "David", "Elena", "Emeka",
    "Farah", "Felix", "Grace", "Hannah", "Hugo", "Ines", "Isaac", "Jana", "Jonas", "Kai",
    "Kofi", "Lars", "Leila", "Lucia", "Maya", "Mateo", "Mei", "Nadia", "Niamh", "Noah",
    "Olga", "Omar", "Priya", "Rafael", "Rosa", "Ruth", "Sam", "Sara", "Tariq", "Tom",
    "Una", "Victor", "Wanjiru", "Yara", "Yusuf", "Zoe", "Arjun", "Bea", "Cormac", "Dina",
)  # fmt: skip
LAST_NAMES = (
    "Adeyemi", "Almeida", "Andersen", "Brennan", "Castillo", "Cohen", "Dubois", "Eriksson",
    "Fischer", "Garcia", "Haddad", "Hughes", "Ivanova", "Jensen", "Kaur", "Kowalski", "Larsen",
    "Lopez", "Mbeki", "Moreau", "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen",
    "Patel", "Quinn", "Rossi", "Santos", "Schmidt", "Silva", "Singh", "Tanaka", "Torres",
    "Walsh", "Weber", "Yilmaz", "Zhang", "Zielinski", "Byrne", "Costa", "Dahl", "Ferreira",
    "Gallagher", "Horvat", "Ito", "Kim", "Lindqvist", "Mensah",
)  # fmt: skip
JOB_TITLES = (
    "Political correspondent", "Health editor", "Sports reporter", "Science writer",
    "Business editor", "Culture critic", "Senior reporter", "Data journalist",
    "Foreign correspondent", "Technology reporter", "Environment correspondent",
    "Chief photographer", "Opinion columnist", "Education reporter", "Crime reporter",
)  # fmt: skip
PLACES = (
    "Northport", "Eastbrook", "Riverside", "Old Town", "Millbrook", "Westfield", "Kingsbridge",
    "Ashford Vale", "Lakeside", "Brightwater", "Stonehill", "Fairhaven", "Oakridge",
    "Greenway", "Marlow Bay", "Hillcrest", "Southgate", "Elmstead", "Cedar Point", "Redcliff",
    "Thornbury", "Haverford", "Wyndham", "Castleford", "Port Ellen", "Glenmore", "Ravensworth",
    "Silverdale", "Bramley", "Harbourside", "Larkhill", "Pinewood", "Copperfield", "Norbury",
    "Wexley", "Dunmore", "Saltmarsh", "Highgate Cross", "Fernhill", "Willowmere",
)  # fmt: skip
TOPICS = (
    "Elections", "Climate", "Housing", "Transport", "Health", "Education", "Economy", "Jobs",
    "Energy", "Technology", "Science", "Space", "Football", "Cricket", "Tennis", "Cycling",
    "Athletics", "Rugby", "Music", "Film", "Theatre", "Books", "Art", "Food", "Travel",
    "Weather", "Floods", "Wildfires", "Drought", "Farming", "Fishing", "Trade", "Tax", "Budget",
    "Pensions", "Inflation", "Interest rates", "Banking", "Start-ups", "Retail", "Tourism",
    "Crime", "Courts", "Policing", "Prisons", "Immigration", "Diplomacy", "Defence",
    "Human rights", "Protests", "Strikes", "Unions", "Mental health", "Vaccines", "Hospitals",
    "Schools", "Universities", "Research", "Artificial intelligence", "Cybersecurity",
    "Privacy", "Social media", "Broadband", "Rail", "Buses", "Roads", "Aviation", "Shipping",
    "Ports", "Rivers", "Oceans", "Wildlife", "Forests", "Recycling", "Pollution",
    "Air quality", "Renewables", "Wind power", "Solar power", "Nuclear power", "Oil and gas",
    "Water", "Planning", "Architecture", "Heritage", "Museums", "Festivals", "Religion",
    "Local government", "Parliament", "Referendums", "Corruption", "Media", "Fashion",
    "Gaming", "Podcasts", "Photography", "Dance", "Opera", "Comedy", "Television",
    "Streaming", "Chess", "Olympics", "Marathons", "Swimming", "Sailing", "Basketball",
    "Hockey", "Golf", "Boxing", "Motor racing", "Horse racing", "Astronomy", "Medicine",
    "Genetics", "Archaeology", "Physics", "Mathematics", "Robotics", "Childcare", "Ageing",
    "Disability", "Charities", "Volunteering", "Libraries", "Parks", "Markets", "Cinema",
    "Poetry", "Jazz", "Folk music", "Classical music", "Street food", "Wine", "Coffee",
    "Gardening", "Pets", "Birdwatching", "Hiking", "Skiing", "Rowing", "Darts", "Snooker",
    "Public health", "Nursing", "Dentistry", "Pharmacies", "Drug policy", "Road safety",
    "Fire service", "Coastguard", "Lifeboats", "Bridges", "Tunnels", "Trams", "Ferries",
    "Electric cars", "Batteries", "Semiconductors", "Open source", "Data protection",
    "Elections 2026", "Census", "Consumer rights", "Scams", "Energy bills", "Rents",
)  # fmt: skip
TAG_POOL_SIZE = 200

WORDS: dict[str, tuple[str, ...]] = {
    "Subject": (  # one body each, so that "warns" and "approves" agree
        "Council", "Minister", "City hall", "Rail union", "Hospital trust", "Teachers’ union",
        "Residents’ group", "Farmers’ union", "Central bank", "Regulator", "Police chief",
        "Fire service", "Parliament", "Traders’ association", "Campaign group", "Research team",
        "Mayor", "Health board", "Port authority", "Student union", "Energy firm", "Start-up",
        "Local club", "Museum", "University", "Water company", "Airport", "Festival",
        "Opposition leader", "Chamber of commerce",
    ),
    "verb": (
        "approves", "rejects", "delays", "unveils", "backs", "warns over", "calls for",
        "questions", "launches", "scraps", "defends", "celebrates", "investigates", "cuts",
        "doubles", "pauses", "signs off", "clashes over", "welcomes", "reviews",
    ),
    "verbed": (
        "approved", "rejected", "delayed", "unveiled", "backed", "questioned", "launched",
        "scrapped", "defended", "paused", "signed off", "reviewed",
    ),
    "object": (
        "new harbour plan", "rail fare rise", "school funding", "housing scheme",
        "flood defences", "bus routes", "hospital expansion", "tax reform", "river clean-up",
        "wind farm", "library closures", "bike lanes", "water prices", "summer festival",
        "stadium deal", "pension changes", "nurses’ pay", "fishing quotas", "broadband rollout",
        "energy bills", "night trains", "park restoration", "data centre", "court reforms",
        "tram extension", "recycling targets", "ferry timetable", "heat pump grants",
        "rent controls", "airport expansion", "youth centre", "coastal path", "market hall",
        "vaccine drive", "science prize", "chess tournament", "city budget", "parking charges",
        "food bank", "bridge repairs",
    ),
    "tail": (
        "after months of debate", "amid protests", "as costs soar", "in surprise vote",
        "despite warnings", "ahead of winter", "after public outcry", "for a second year",
        "as deadline nears", "following review", "", "", "", "", "",
    ),
    "org": (
        "the council", "the transport authority", "the health board", "the chamber of commerce",
        "the teachers’ union", "the statistics office", "the environment agency",
        "the university", "the residents’ association", "the port authority",
        "the regional government", "the football club", "the arts council",
    ),
    "role": (
        "council leader", "head of the rail union", "a local shop owner", "professor of economics",
        "spokesperson for the port authority", "a resident", "club captain", "chief executive",
        "a nurse at the general hospital", "chair of the planning committee", "a head teacher",
        "a fisherman", "director of the museum", "a student", "an independent analyst",
    ),
    "day": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "month": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
    "timeframe": (
        "next spring", "by the end of the year", "within weeks", "next month",
        "later this year", "before the summer", "in the new year", "over the next decade",
    ),
    "reason": (
        "the plan had broad support", "costs had risen sharply", "more time was needed",
        "residents deserved a say", "the figures did not add up", "the need was urgent",
        "lessons had been learned", "the evidence was clear",
    ),
    "number": tuple(str(n) for n in range(2, 60)),
    "year": tuple(str(y) for y in range(1968, 2020)),
    "place": PLACES,
}  # fmt: skip
HEADLINES = (
    "{Subject} {verb} {object} {tail}",
    "{Subject} {verb} {object}",
    "{place}: {Subject} {verb} {object}",
    "{place} {Subject} {verb} {object} {tail}",
    "Why the {object} matters for {place}",
    "{number} questions about the {object}",
)
STANDFIRSTS = (
    "{Subject} {verbed} the {object} on {day}, saying {reason}.",
    "The {object} in {place} will go ahead {timeframe}, {org} said.",
    "Critics say {reason}; supporters say the {object} is long overdue.",
    "After {number} months of talks, {org} has {verbed} the {object}.",
)
SENTENCES = (
    "{Subject} said on {day} that the {object} would go ahead {timeframe}.",
    "The decision follows {number} months of talks between {org} and local residents.",
    "Critics argue that the {object} will cost more than the {number} million budgeted.",
    "Figures published by {org} show a rise of {number} per cent since last year.",
    "In {place}, where the {object} has long been a sore point, reaction was mixed.",
    "{first} {last}, who has lived in {place} for {number} years, said it was overdue.",
    "A spokesperson for {org} declined to comment on the details.",
    "The plans will be put to a public consultation {timeframe}.",
    "Officials expect the work to be finished by {month}.",
    "Opposition members called for an independent review of the {object}.",
    "Similar schemes in {place} and {place2} have had mixed results.",
    "More than {number},000 people signed a petition against the proposals.",
    "{org} said it would publish its full findings {timeframe}.",
    "Local businesses welcomed the move, saying it would bring visitors back.",
    "Supporters say the {object} could create up to {number}0 jobs.",
    "It is the first such vote in {place} since {year}.",
    "Questions remain over how the {object} will be funded.",
    "Tickets go on sale {timeframe}, with discounts for students and pensioners.",
    "The last comparable project, in {year}, ran {number} months late.",
    "{first} {last}, {role}, said the announcement had come as a surprise.",
    "Turnout at {day}’s meeting was the highest in years.",
    "The {object} was first proposed in {year} and has been revised {number} times.",
)
QUOTES = (
    "We have listened to residents and we will get this right",
    "This is a good day for {place}",
    "Nobody should have to choose between heating and eating",
    "The numbers simply do not add up",
    "We were never asked, and that is the real problem",
    "It has taken {number} years, but we got there in the end",
    "I have seen nothing like it in all my time here",
    "The {object} is the least we owe the next generation",
    "We will keep campaigning until the decision is reversed",
    "This is about trust, and trust has to be earned",
)
COMMENT_SENTENCES = (
    "Great piece, thanks for covering this.",
    "I live in {place} and this is spot on.",
    "Does anyone know when the consultation closes?",
    "This has been going on for years.",
    "Who is paying for all this?",
    "Finally some good news.",
    "The council never listens.",
    "Well written and balanced.",
    "My kids go to school there and nobody asked us.",
    "The figures in the third paragraph don’t add up.",
    "Thank you for the clear explanation.",
    "Same thing happened in {place} in {year}.",
    "Can you follow up on this?",
    "Not sure this will change anything.",
    "About time!",
    "Interesting, I had no idea.",
    "I remember when the old {object} was debated the first time.",
    "The {object} is the wrong priority when the buses don’t run on time.",
    "{number} years I have waited for this.",
    "Some of us have been saying this since {year}.",
    "I disagree: the {object} will help people like me.",
    "Please print the full report.",
)
SPAM = (
    "Great post! Visit my site for cheap watches.",
    "Earn {number}00 a day working from home, click my name!",
    "Nice article. Check out the best deals on sunglasses.",
    "I made {number},000 last month with this one trick.",
)
# Documentation address ranges (RFC 5737, RFC 3849): as Comment.ip_network keeps them.
IP_NETWORKS = ("192.0.2.0", "198.51.100.0", "203.0.113.0", "2001:db8::")
COMMENT_STATUSES = (
    (Comment.Status.APPROVED, 85),
    (Comment.Status.PENDING, 10),
    (Comment.Status.SPAM, 4),
    (Comment.Status.TRASH, 1),
)


class GenerateError(Exception):
    """Why the generator cannot run, in words for the operator (the command shows it as a
    CommandError, without a traceback)."""


@dataclass
class GenerateResult:
    """What one run made, for the command's summary and for tests."""

    seed: int
    sections_created: int = 0
    authors_created: int = 0
    tags_created: int = 0
    articles: int = 0
    comments: int = 0
    rows: int = 0  # rows written in bulk: tags, pages, articles, bylines, tagging, comments
    seconds: float = 0.0


class Progress:
    """One phase's progress: count, percentage, rate and time left.

    On a terminal the line is redrawn in place, at most ten times a second so drawing costs
    nothing next to the work. Anywhere else (a log file, CI) carriage returns would make a
    mess, so it writes a plain line every few seconds and one at the end.
    """

    def __init__(
        self,
        label: str,
        total: int,
        write: Write | None,
        *,
        tty: bool = False,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label, self.total, self.write, self.tty = label, total, write, tty
        self.interval = interval if interval is not None else (0.1 if tty else 5.0)
        self.clock = clock
        self.done = 0
        self.started = self.last_shown = clock()
        self._width = 0

    def advance(self, n: int) -> None:
        self.done += n
        now = self.clock()
        if self.write is not None and now - self.last_shown >= self.interval:
            self.last_shown = now
            self._show(self.line(now))

    def finish(self) -> None:
        if self.write is None:
            return
        elapsed = max(self.clock() - self.started, 1e-9)
        text = f"{self.label}: {self.done:,} in {_duration(elapsed)} ({self.done / elapsed:,.0f}/s)"
        self._show(text)
        if self.tty:
            self.write("\n")

    def line(self, now: float | None = None) -> str:
        """``Comments  250,000/1,000,000  25% [######------------------]  9,876/s  ETA 0:01:16``"""
        elapsed = max((self.clock() if now is None else now) - self.started, 1e-9)
        rate = self.done / elapsed
        fraction = self.done / self.total if self.total else 1.0
        eta = _duration((self.total - self.done) / rate) if rate else "?"
        bar = "#" * int(24 * fraction)
        return (
            f"{self.label:<9} {self.done:>{len(f'{self.total:,}')},}/{self.total:,} "
            f"{fraction:>4.0%} [{bar:-<24}] {rate:>8,.0f}/s  ETA {eta}"
        )

    def _show(self, text: str) -> None:
        if self.tty:
            # Pad over the end of a longer previous line.
            self.write("\r" + text.ljust(self._width))
            self._width = len(text)
        else:
            self.write(text + "\n")


def _duration(seconds: float) -> str:
    return str(dt.timedelta(seconds=round(seconds)))


def check_counts(*, articles: int, comments: int, sections: int, authors: int, batch: int) -> None:
    """Refuse nonsense before anything is written."""
    for name, value, least in (
        ("articles", articles, 0),
        ("comments", comments, 0),
        ("sections", sections, 1),
        ("authors", authors, 1),
        ("batch", batch, 1),
    ):
        if value < least:
            raise GenerateError(f"--{name} must be {least} or more, not {value}.")


def _commentable() -> ArticleQuerySet:
    """The articles comments go to: published, open for comments."""
    return ArticlePage.objects.published().filter(comments_open=True)


class _Slots(dict):
    """For str.format_map(): {place} or {place2} is a random word of WORDS["place"]."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> str:
        name = key.rstrip("0123456789")
        if name == "first":
            return self.rng.choice(FIRST_NAMES)
        if name == "last":
            return self.rng.choice(LAST_NAMES)
        return self.rng.choice(WORDS[name])


class Writer:
    """Headlines, standfirsts, article bodies and comments made from word lists.

    Real words rather than lorem ipsum, so page weight, search and text processing behave
    as with real copy. Sentences are drawn once into pools that articles pick from, so text
    costs microseconds per article.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sentences = [
            html.escape(self.fill(t), quote=False) for t in self._draw(SENTENCES, 4000)
        ]
        self.comment_sentences = [self.fill(t) for t in self._draw(COMMENT_SENTENCES, 2000)]
        self.quotes = [
            (self.fill(q + "."), self.fill("{first} {last}, {role}"))
            for q in self._draw(QUOTES, 400)
        ]

    def _draw(self, templates: Sequence[str], k: int) -> list[str]:
        return self.rng.choices(templates, k=k)

    def fill(self, template: str) -> str:
        """The template with each {slot} replaced by a random word of its list, and a capital
        first letter ("{org} said" starts "the council said")."""
        text = " ".join(template.format_map(_Slots(self.rng)).split())  # an empty {tail}
        return text[:1].upper() + text[1:]

    def uid(self) -> str:
        """A UUID4 from the seeded generator, so a --seed run is the same run again."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def headline(self) -> str:
        return self.fill(self.rng.choice(HEADLINES))

    def standfirst(self) -> str:
        return self.fill(self.rng.choice(STANDFIRSTS))

    def body(self) -> list[dict[str, Any]]:
        """StreamField data as stored: paragraphs of rich text and one quote block."""
        rng = self.rng
        paragraphs = [
            {
                "type": "paragraph",
                "value": "<p>" + " ".join(rng.sample(self.sentences, rng.randint(2, 5))) + "</p>",
                "id": self.uid(),
            }
            for _ in range(rng.randint(4, 7))
        ]
        quote, attribution = rng.choice(self.quotes)
        paragraphs.insert(
            rng.randint(1, 3),
            {
                "type": "quote",
                "value": {"quote": quote, "attribution": attribution},
                "id": self.uid(),
            },
        )
        return paragraphs

    def comment(self) -> str:
        rng = self.rng
        parts = rng.sample(self.comment_sentences, rng.randint(1, 4))
        if len(parts) > 2 and rng.random() < 0.3:
            return " ".join(parts[:2]) + "\n\n" + " ".join(parts[2:])
        return " ".join(parts)

    def spam(self) -> str:
        return self.fill(self.rng.choice(SPAM))


def _names(rng: random.Random) -> Iterator[str]:
    """Endless distinct people's names: first and last, then with a middle initial, then
    numbered."""
    pairs = list(itertools.product(FIRST_NAMES, LAST_NAMES))
    rng.shuffle(pairs)
    yield from (f"{first} {last}" for first, last in pairs)
    for initial in "ABCDEFGHJKLMNPRSTW":
        yield from (f"{first} {initial}. {last}" for first, last in pairs)
    for n in itertools.count(2):
        yield from (f"{first} {last} {n}" for first, last in pairs)


def section_names(count: int) -> list[str]:
    names = list(SECTION_NAMES[:count])
    return names + [f"Section {n}" for n in range(len(names) + 1, count + 1)]


def ensure_sections(count: int) -> tuple[list[SectionPage], int]:
    """The first ``count`` sections, made the normal way when missing. Returns (sections,
    how many were made)."""
    before = SectionPage.objects.count()
    sections = [_section(name) for name in section_names(count)]
    return sections, SectionPage.objects.count() - before


def ensure_authors(
    count: int, rng: random.Random, progress: Progress | None = None
) -> tuple[list[AuthorPage], int]:
    """At least ``count`` author profiles: the existing ones first, then new ones made and
    published through Wagtail. Returns (the first ``count`` authors, how many were made)."""
    index = AuthorIndexPage.objects.first()
    if index is None:
        raise GenerateError("The site is not set up yet: run `gazette setup` first.")
    authors = list(AuthorPage.objects.child_of(index).order_by("pk")[:count])
    taken = {title.lower() for title in AuthorPage.objects.values_list("title", flat=True)}
    slugs = set(index.get_children().values_list("slug", flat=True))
    made = 0
    names = _names(rng)
    while len(authors) < count:
        name = next(names)
        slug = slugify(name)
        if name.lower() in taken or slug in slugs:
            continue
        taken.add(name.lower())
        slugs.add(slug)
        beat = rng.choice(TOPICS).lower()
        author = AuthorPage(
            title=name,
            slug=slug,
            job_title=rng.choice(JOB_TITLES),
            bio=f"<p>{name} covers {html.escape(beat)} for the Gazette and has reported "
            f"from {rng.choice(PLACES)} since {rng.choice(WORDS['year'])}.</p>",
        )
        index.add_child(instance=author)
        author.save_revision().publish()
        authors.append(author)
        made += 1
        if progress is not None:
            progress.advance(1)
    return authors, made


def ensure_tags(names: Sequence[str]) -> tuple[list[int], int]:
    """The ids of tags with these names, made when missing. A tag that exists under the same
    name or the same slug (the two are unique in taggit) is reused. Returns (ids, made)."""
    by_slug = {slugify(name): name for name in names}
    existing = Tag.objects.filter(name__in=list(by_slug.values())) | Tag.objects.filter(
        slug__in=list(by_slug)
    )
    found_name = {t.name: t.pk for t in existing}
    found_slug = {t.slug: t.pk for t in existing}
    missing = [
        Tag(name=name, slug=slug)
        for slug, name in by_slug.items()
        if name not in found_name and slug not in found_slug
    ]
    Tag.objects.bulk_create(missing)
    new = {t.slug: t.pk for t in missing}
    ids = [
        found_name.get(name) or found_slug.get(slug) or new[slug] for slug, name in by_slug.items()
    ]
    return ids, len(missing)


def tag_names(count: int = TAG_POOL_SIZE) -> list[str]:
    """About 200 tags: topics and places, as a newsroom's tag list grows."""
    return list(dict.fromkeys([*TOPICS, *PLACES]))[:count]


# Field types whose Python values (str, int, bool, None) the database drivers take as they
# are: get_db_prep_save() would only hand them back, at a cost a million rows notice.
_AS_IS = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "ForeignKey",
    "IntegerField", "OneToOneField", "PositiveBigIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "SlugField", "SmallIntegerField", "TextField",
}  # fmt: skip


def insert_rows(model: type[Model], rows: Sequence[dict[str, Any]]) -> int:
    """INSERT plain rows into one model's own table with one ``executemany``.

    For what ``bulk_create()`` cannot or need not do: it refuses a multi-table inheritance
    child such as ArticlePage (whose own table holds ``page_ptr_id`` and the article's
    fields), and for a million comments building model instances costs more than the
    INSERTs. Values are prepared by each field as Django would (dates, JSON), so the same
    rows work on SQLite and PostgreSQL; a field a row does not name takes its default. Rows
    name their fields by ``attname`` (``article_id``), all rows the same ones.
    """
    if not rows:
        return 0
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    fields = [f for f in opts.local_concrete_fields if f is not opts.auto_field]
    given = set(rows[0])
    unknown = given - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{opts.label} has no field {', '.join(sorted(unknown))}")
    getters: list[Callable[[dict[str, Any]], Any]] = []
    for f in fields:
        if f.attname not in given and callable(f.default):
            getters.append(lambda row, f=f: f.get_db_prep_save(f.get_default(), connection))
        elif f.attname not in given:
            default = f.get_db_prep_save(f.get_default(), connection)
            getters.append(lambda row, d=default: d)
        elif f.get_internal_type() in _AS_IS:
            getters.append(lambda row, a=f.attname: row[a])
        else:
            getters.append(lambda row, a=f.attname, f=f: f.get_db_prep_save(row[a], connection))
    qn = connection.ops.quote_name
    # Only names from the model's own metadata, quoted, go into the SQL; values are params.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        qn(opts.db_table),
        ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [[get(row) for get in getters] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(rows)


def distinct_dates(count: int, rng: random.Random, now: dt.datetime) -> list[dt.datetime]:
    """``count`` distinct times over the last YEARS years, oldest first: distinct seconds,
    each with random microseconds, so two runs practically never collide either."""
    span = int(YEARS * 365.25 * 86400)
    if count > span:
        raise GenerateError(f"--articles can be at most {span:,}.")
    start = now - dt.timedelta(seconds=span + 60)
    return [
        start + dt.timedelta(seconds=s, microseconds=rng.randrange(1_000_000))
        for s in sorted(rng.sample(range(span), count))
    ]


def _skewed(n: int, rng: random.Random, power: float) -> list[float]:
    """Cumulative weights for ``n`` items in random order, the k-th most popular weighing
    1/k**power: a few items get much of everything, as in a real newsroom."""
    ranks = list(range(1, n + 1))
    rng.shuffle(ranks)
    return list(itertools.accumulate(1.0 / r**power for r in ranks))


def _children(parent: Page) -> PageQuerySet:
    """A page's children, by the path index (a LIKE would scan the table on SQLite)."""
    return Page.objects.filter(
        path__range=Page._get_children_path_interval(parent.path), depth=parent.depth + 1
    )


def _last_position(parent: Page) -> int:
    """The step number of the parent's last child (0 when none): where add_child() would
    continue."""
    last = _children(parent).order_by("-path").values_list("path", flat=True).first()
    return Page._str2int(last[-Page.steplen :]) if last else 0


def create_articles(
    count: int,
    *,
    sections: Sequence[SectionPage],
    authors: Sequence[AuthorPage],
    tag_ids: Sequence[int],
    writer: Writer,
    batch: int,
    now: dt.datetime,
    progress: Progress | None = None,
) -> int:
    """Insert ``count`` live articles in transactions of ``batch``; returns rows written."""
    rng = writer.rng
    content_type_id = ContentType.objects.get_for_model(ArticlePage).pk
    dates = distinct_dates(count, rng, now)
    # News gets most articles, the last section the fewest.
    section_weights = list(itertools.accumulate(1 / (1 + 0.3 * i) for i in range(len(sections))))
    author_weights = _skewed(len(authors), rng, 0.6)
    tag_weights = _skewed(len(tag_ids), rng, 0.9)
    slugs = {s.pk: set(_children(s).values_list("slug", flat=True)) for s in sections}
    max_position = len(Page.alphabet) ** Page.steplen - 1
    rows = 0
    for start in range(0, count, batch):
        chunk = dates[start : start + batch]
        with transaction.atomic():
            # Lock the sections (a no-op on SQLite, whose writes are serialised anyway) and
            # read where each one's children end, as add_child() would.
            locked = {
                p.pk: p
                for p in Page.objects.select_for_update()
                .filter(pk__in=[s.pk for s in sections])
                .only("pk", "path", "depth", "url_path", "locale_id")
            }
            position = {pk: _last_position(p) for pk, p in locked.items()}
            added: Counter[int] = Counter()
            pages, extras = [], []
            for date in chunk:
                section = locked[rng.choices(sections, cum_weights=section_weights)[0].pk]
                position[section.pk] += 1
                if position[section.pk] > max_position:
                    raise GenerateError(
                        f"Section “{section.url_path}” cannot hold more than "
                        f"{max_position:,} pages."
                    )
                added[section.pk] += 1
                title = writer.headline()
                slug = base = slugify(title)[:80].strip("-") or "article"
                n = 1
                while slug in slugs[section.pk]:
                    n += 1
                    slug = f"{base}-{n}"
                slugs[section.pk].add(slug)
                updated = None
                if rng.random() < 0.15:
                    updated = min(date + dt.timedelta(minutes=rng.randint(20, 4000)), now)
                pages.append(
                    Page(
                        title=title,
                        draft_title=title,
                        slug=slug,
                        content_type_id=content_type_id,
                        locale_id=section.locale_id,
                        path=Page._get_path(section.path, section.depth + 1, position[section.pk]),
                        depth=section.depth + 1,
                        numchild=0,
                        url_path=f"{section.url_path}{slug}/",
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=date,
                        last_published_at=updated or date,
                        translation_key=writer.uid(),
                    )
                )
                extras.append((date, updated, section.pk))
            Page.objects.bulk_create(pages)
            articles, bylines, tagged = [], [], []
            for page, (date, updated, section_id) in zip(pages, extras, strict=True):
                articles.append(
                    {
                        "page_ptr_id": page.pk,
                        "section_page_id": section_id,
                        "standfirst": writer.standfirst(),
                        "body": writer.body(),
                        "date": date,
                        "updated": updated,
                        "comments_open": rng.random() >= 0.02,
                    }
                )
                credited = rng.choices(authors, cum_weights=author_weights, k=2)
                if rng.random() >= 0.2 or credited[0] == credited[1]:
                    credited = credited[:1]
                for order, author in enumerate(credited):
                    role = "Additional reporting by" if order and rng.random() < 0.3 else ""
                    bylines.append(
                        {
                            "article_id": page.pk,
                            "author_id": author.pk,
                            "sort_order": order,
                            "role": role,
                        }
                    )
                wanted = rng.choices((0, 1, 2, 3), weights=(15, 35, 30, 20))[0]
                chosen = set(rng.choices(tag_ids, cum_weights=tag_weights, k=wanted))
                tagged.extend({"content_object_id": page.pk, "tag_id": t} for t in chosen)
            rows += len(pages) + insert_rows(ArticlePage, articles)
            rows += insert_rows(ArticleAuthor, bylines) + insert_rows(ArticleTag, tagged)
            for pk, n in added.items():
                rows += Page.objects.filter(pk=pk).update(numchild=F("numchild") + n)
        if progress is not None:
            progress.advance(len(chunk))
    return rows


def create_comments(
    count: int,
    *,
    writer: Writer,
    batch: int,
    now: dt.datetime,
    progress: Progress | None = None,
) -> int:
    """Insert ``count`` comments over the published articles open for comments, skewed so
    that a few articles get most of them (the k-th most discussed gets 1/k of the top one's
    share) and the newest article is the most discussed: the story that went viral.
    Returns rows written."""
    if not count:
        return 0
    rng = writer.rng
    targets = list(_commentable().order_by("date", "pk").values_list("pk", "date"))
    if not targets:
        raise GenerateError("There is no published article to comment on: add --articles N.")
    ranks = list(range(1, len(targets) + 1))
    rng.shuffle(ranks)
    top = ranks.index(1)
    ranks[top], ranks[-1] = ranks[-1], ranks[top]
    article_weights = list(itertools.accumulate(1.0 / r for r in ranks))
    statuses = [s.value for s, _ in COMMENT_STATUSES]
    status_weights = [w for _, w in COMMENT_STATUSES]
    commenters = []
    for i, name in enumerate(itertools.islice(_names(rng), 20_000)):
        handle = slugify(name).replace("-", ".")
        website = f"https://{slugify(name)}.example.org/" if rng.random() < 0.1 else ""
        commenters.append((name, f"{handle}.{i}@example.com", website))
    indices = range(len(targets))
    per_transaction = batch * COMMENTS_PER_ARTICLE_BATCH
    pending, spam = Comment.Status.PENDING.value, Comment.Status.SPAM.value
    rows = 0
    for start in range(0, count, per_transaction):
        n = min(per_transaction, count - start)
        # Sorted by article, the inserts touch each article's index entries together.
        picks = sorted(rng.choices(indices, cum_weights=article_weights, k=n))
        chosen = rng.choices(statuses, weights=status_weights, k=n)
        comments = []
        for i, status in zip(picks, chosen, strict=True):
            article_id, date = targets[i]
            age = (now - date).total_seconds()
            # Most comments come in the first hours after publication.
            delay = 1 + rng.expovariate(1 / (6 * 3600))
            if delay >= age:  # a recent article: any time since, never before it
                delay = age * (1 - rng.random())
            created = date + dt.timedelta(seconds=delay)
            if status == spam:
                name, email = "Best Deals", f"deals{rng.randrange(10**6)}@example.com"
                website, body = "https://deals.example.net/", writer.spam()
            else:
                name, email, website = rng.choice(commenters)
                body = writer.comment()
            moderated = None
            if status != pending:
                wait = min(rng.expovariate(1 / 3600), (now - created).total_seconds())
                moderated = created + dt.timedelta(seconds=wait)
            comments.append(
                {
                    "article_id": article_id,
                    "name": name,
                    "email": email,
                    "website": website,
                    "body": body,
                    "status": status,
                    "created_at": created,
                    "ip_network": rng.choice(IP_NETWORKS),
                    "moderated_at": moderated,
                }
            )
        with transaction.atomic():
            rows += insert_rows(Comment, comments)
        if progress is not None:
            progress.advance(n)
    return rows


def _require_site() -> None:
    if HomePage.objects.first() is None or AuthorIndexPage.objects.first() is None:
        raise GenerateError("The site is not set up yet: run `gazette setup` first.")


def generate(
    *,
    articles: int,
    comments: int,
    sections: int = 8,
    authors: int = 50,
    seed: int | None = None,
    batch: int = 1000,
    write: Write | None = None,
    tty: bool = False,
) -> GenerateResult:
    """Make a large site: sections and authors when missing, then ``articles`` articles and
    ``comments`` comments, in transactions of ``batch`` articles (10 × ``batch`` comments).

    ``write`` receives progress text (each piece carries its own line ending); ``tty`` picks
    a bar redrawn in place over plain lines. The same ``seed`` on the same site makes the
    same content.
    """
    check_counts(
        articles=articles, comments=comments, sections=sections, authors=authors, batch=batch
    )
    _require_site()
    if comments and not articles and not _commentable().exists():
        raise GenerateError("There is no published article to comment on: add --articles N.")
    seed = secrets.randbelow(2**31) if seed is None else seed
    rng = random.Random(seed)  # noqa: S311 - sample content, not secrets
    result = GenerateResult(seed=seed)
    started = time.monotonic()

    def say(text: str) -> None:
        if write is not None:
            write(text + "\n")

    say(f"Seed {seed} (--seed {seed} makes the same content again).")
    writer = Writer(rng)
    section_pages, result.sections_created = ensure_sections(sections)
    say(f"Sections: {len(section_pages)} ({result.sections_created} new).")
    missing = max(authors - AuthorPage.objects.count(), 0)
    # Authors are made the slow, normal way: worth a bar on a terminal when there are many.
    author_progress = Progress("Authors", missing, write, tty=True) if missing and tty else None
    author_pages, result.authors_created = ensure_authors(authors, rng, author_progress)
    if author_progress is not None:
        author_progress.finish()
    say(f"Authors: {len(author_pages)} ({result.authors_created} new).")
    tag_ids, result.tags_created = ensure_tags(tag_names())
    say(f"Tags: {len(tag_ids)} ({result.tags_created} new).")
    result.rows = result.tags_created

    now = timezone.now()
    if articles:
        progress = Progress("Articles", articles, write, tty=tty)
        result.rows += create_articles(
            articles,
            sections=section_pages,
            authors=author_pages,
            tag_ids=tag_ids,
            writer=writer,
            batch=batch,
            now=now,
            progress=progress,
        )
        progress.finish()
        result.articles = articles
    if comments:
        progress = Progress("Comments", comments, write, tty=tty)
        result.rows += create_comments(
            comments, writer=writer, batch=batch, now=timezone.now(), progress=progress
        )
        progress.finish()
        result.comments = comments
    result.seconds = time.monotonic() - started
    return result
