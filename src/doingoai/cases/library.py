"""The argument library (tư liệu, lập luận): verified facts, figures, official documents and
arguments by theme, each with its public sources and a date to review it again. Clarifications
are drafted from it (``cases.rebuttals``).

    library.search("cat ba")                  # finds "Cát Bà": typed with or without diacritics
    library.search('"Lạch Huyện" OR "Bạch Long Vĩ"', themes=["bien-dao"], kind="fact")
    library.due_for_review(today)             # entries whose review date has come
    library.load_arguments()                  # the seed entries of data/arguments.json

Search speaks the query language of press search (``monitoring.search.query``: AND/VÀ,
OR/HOẶC, NOT/KHÔNG/-, "phrases", prefix*, parentheses). A library holds hundreds of entries,
so it needs no index of its own: candidates are picked in SQL by their folded text
(``Argument.folded``, kept by ``Argument.save``), the parsed query is then checked in Python
word by word, and the matches are ranked as press search ranks articles: words typed side by
side that stand side by side, then the query's exact diacritics ("truyền thông" before
"truyền thống"), then a match in the title alone; equals by title.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from doingoai.core import audit, seed
from doingoai.monitoring.search.query import And, Not, Or, Query, QueryError, Word, parse_query
from doingoai.monitoring.search.snippets import highlight, snippet
from doingoai.monitoring.search.tokens import Token, tokens

from .models import Argument

__all__ = [
    "ARGUMENTS_FILE", "Found", "QueryError", "search", "search_ranked", "parse", "due_for_review",
    "due_count", "load_arguments", "theme_choices", "theme_names", "for_case", "highlight_title",
    "highlight_body",
]

ARGUMENTS_FILE = Path(__file__).resolve().parent / "data" / "arguments.json"

audit.track(Argument, exclude=("folded",))


# --- search ----------------------------------------------------------------------------------

def parse(query: str | Query) -> Query:
    """The parsed query; raises ``QueryError`` (in Vietnamese) when it cannot be searched."""
    return query if isinstance(query, Query) else parse_query(query)


@dataclass(frozen=True)
class Found:
    """One entry found, with its ranking features (see the module's docstring)."""

    argument: Argument
    pairs: int
    exact: bool
    title: bool

    @property
    def score(self) -> int:
        return 4 * self.pairs + 2 * self.exact + self.title


class _Doc:
    """An entry's words, field by field (a phrase never runs from one field into the next)."""

    def __init__(self, argument: Argument):
        self.title = tokens(argument.title)
        self.fields = [self.title, tokens(argument.body), tokens(argument.sources)]
        self.exact_words = {t.exact for f in self.fields for t in f}


def _same(token: Token, query_token: Token, prefix: bool) -> bool:
    return token.folded.startswith(query_token.folded) if prefix else token.folded == query_token.folded


def _in_field(field: list[Token], word: Word) -> bool:
    wanted, n = word.tokens, len(word.tokens)
    for start in range(len(field) - n + 1):
        if all(_same(field[start + k], wanted[k], word.prefix and k == n - 1) for k in range(n)):
            return True
    return False


def _matches(node, fields: list[list[Token]]) -> bool:
    if isinstance(node, Word):
        return any(_in_field(f, node) for f in fields)
    if isinstance(node, Not):
        return not _matches(node.item, fields)
    if isinstance(node, And):
        return all(_matches(i, fields) for i in node.items)
    if isinstance(node, Or):
        return any(_matches(i, fields) for i in node.items)
    return False


def _exact(node, words: set[str]) -> bool:
    """``Query.exact``'s tree: each word typed with diacritics, as written, anywhere."""
    if isinstance(node, Word):
        last = len(node.tokens) - 1
        return all(
            any(w.startswith(t.exact) for w in words) if node.prefix and k == last else t.exact in words
            for k, t in enumerate(node.tokens)
        )
    if isinstance(node, And):
        return all(_exact(i, words) for i in node.items)
    if isinstance(node, Or):
        return any(_exact(i, words) for i in node.items)
    return False


def _pairs(query: Query, fields: list[list[Token]]) -> int:
    count = 0
    for pair in query.pairs:
        if any(
            f[i].folded == pair.first.folded and _same(f[i + 1], pair.second, pair.prefix)
            for f in fields for i in range(len(f) - 1)
        ):
            count += 1
    return count


def _sql(node) -> Q:
    """What a matching entry's folded text must contain, as a condition SQL can check (a
    superset of the matches: NOT and word boundaries are checked in Python)."""
    if isinstance(node, Word):
        q = Q()
        for t in node.tokens:
            q &= Q(folded__icontains=t.folded)
        return q
    if isinstance(node, And):
        q = Q()
        for item in node.items:
            q &= _sql(item)
        return q
    if isinstance(node, Or):
        q = Q(pk__in=[])
        for item in node.items:
            q |= _sql(item)
        return q
    return Q()


def _filtered(themes: Iterable[str] = (), kind: str | None = None):
    entries = Argument.objects.all()
    themes = [t for t in themes if t]
    if themes:
        any_theme = Q(pk__in=[])
        for code in themes:  # stored as a JSON list: '["du-lich", "bien-dao"]'
            any_theme |= Q(themes__icontains=f'"{code}"')
        entries = entries.filter(any_theme)
    if kind:
        entries = entries.filter(kind=kind)
    return entries


def search_ranked(query: str | Query, themes: Iterable[str] = (), kind: str | None = None, *,
                  within=None) -> list[Found]:
    """The entries matching ``query`` (and any of ``themes``, and ``kind``; among ``within``, a
    queryset of entries, when given), best first, with their ranking features."""
    parsed = parse(query)
    entries = _filtered(themes, kind)
    if within is not None:
        entries = entries.filter(pk__in=within.values("pk"))
    candidates = entries.filter(_sql(parsed.positive))
    exact = parsed.exact
    found = []
    for argument in candidates:
        doc = _Doc(argument)
        if not _matches(parsed.root, doc.fields):
            continue
        found.append(Found(
            argument=argument,
            pairs=_pairs(parsed, doc.fields),
            exact=exact is not None and _exact(exact, doc.exact_words),
            title=_matches(parsed.positive, [doc.title]),
        ))
    found.sort(key=lambda f: (-f.score, f.argument.title.casefold(), f.argument.pk))
    return found


def search(query: str | Query, themes: Sequence[str] = (), kind: str | None = None) -> list[Argument]:
    """The entries matching ``query``, best first (see the module's docstring). An empty query
    lists every entry of the themes and kind, by title. Raises ``QueryError`` for a query that
    cannot be searched (the message is for the person who typed it)."""
    if isinstance(query, str) and not query.strip():
        return list(_filtered(themes, kind).order_by("title", "pk"))
    return [f.argument for f in search_ranked(query, themes, kind)]


def highlight_title(argument: Argument, query: Query | None) -> str:
    """The title, HTML-escaped, the words that matched in ``<mark>``."""
    if query is None:
        return _escape(argument.title)
    return highlight(argument.title, query)


def highlight_body(argument: Argument, query: Query | None, width: int = 240) -> str:
    """A passage of the body around its matches, HTML-escaped, the matches in ``<mark>``."""
    if query is None:
        text = argument.body or ""
        return _escape(text[:width] + ("…" if len(text) > width else ""))
    return snippet(argument.body, query, width)


def _escape(text: str) -> str:
    return str(escape(text or ""))


# --- review ----------------------------------------------------------------------------------

def due_for_review(today: datetime.date | None = None):
    """The entries whose review date has come (on or before ``today``), the oldest first."""
    today = today or timezone.localdate()
    return Argument.objects.filter(review_date__lte=today).order_by("review_date", "title")


def due_count(today: datetime.date | None = None) -> int:
    return due_for_review(today).count()


# --- themes ----------------------------------------------------------------------------------

theme_choices = seed.theme_choices


def theme_names(codes: Iterable[str]) -> list[str]:
    names = seed.theme_names()
    return [names.get(code, code) for code in codes or ()]


def for_case(case, limit: int = 200) -> list[Argument]:
    """Entries to offer when drafting a clarification of ``case``: those sharing its themes
    first (the most shared themes first), then others by title, ``limit`` of them."""
    case_themes = [t for t in (case.themes or ()) if t]
    sharing = list(_filtered(case_themes).order_by("title", "pk")) if case_themes else []
    sharing.sort(key=lambda a: -len(set(case_themes) & set(a.themes or ())))
    others = Argument.objects.exclude(pk__in=[a.pk for a in sharing]).order_by("title", "pk")
    return (sharing + list(others[:max(0, limit - len(sharing))]))[:max(limit, len(sharing))]


# --- seed data -------------------------------------------------------------------------------

@transaction.atomic
def load_arguments(path: Path | None = None, today: datetime.date | None = None) -> tuple[int, int]:
    """Add the entries of ``data/arguments.json`` that the library does not hold yet (by
    title); entries already there, perhaps edited by staff, are kept as they are. Returns
    (created, kept)."""
    data = json.loads((path or ARGUMENTS_FILE).read_text(encoding="utf-8"))
    known_themes = {t["code"] for t in seed.themes()}
    today = today or timezone.localdate()
    created = kept = 0
    for row in data["arguments"]:
        unknown = set(row.get("themes", [])) - known_themes
        if unknown:
            raise ValueError(_("Chủ đề không có trong danh mục: %(codes)s") % {"codes": ", ".join(sorted(unknown))})
        if Argument.objects.filter(title=row["title"]).exists():
            kept += 1
            continue
        review_in = int(row.get("review_in_days", 365))
        Argument.objects.create(
            title=row["title"], kind=row.get("kind", Argument.Kind.FACT), body=row["body"],
            themes=list(row.get("themes", [])), sources="\n".join(row["sources"]),
            review_date=today + datetime.timedelta(days=review_in),
        )
        created += 1
    return created, kept
