"""The query language of article search, parsed into a small tree that each backend renders
in its own syntax (never by pasting user text into it).

    đối ngoại               both words (folded: "doi ngoai" is the same query), anywhere
    "cảng Lạch Huyện"       the words side by side, in this order
    Hải*                    words beginning with "hai"
    du lịch OR biển         either side; HOẶC is the same
    kế hoạch AND 2025       AND, VÀ: both sides (the default between words)
    NOT tin giả, -tin       without; KHÔNG is the same
    (a OR b) c              parentheses group

Operators are recognised in capitals only, so that "không" and "và" in a pasted sentence stay
words. A word cut by punctuation ("COVID-19", "Hải-Phòng") is searched as a phrase. Words
typed side by side also count as a candidate phrase for ranking: "đối ngoại" ranks articles
where the two words stand together above those where they are apart.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .tokens import Token, has_diacritics, tokens

__all__ = ["QueryError", "Word", "And", "Or", "Not", "Pair", "Query", "parse_query",
           "MAX_QUERY_CHARS", "MAX_WORDS", "MAX_DEPTH", "MAX_PAIRS"]

MAX_QUERY_CHARS = 1000
MAX_WORDS = 64
MAX_DEPTH = 10
MAX_PAIRS = 6  # side-by-side word pairs that count for ranking
MIN_PREFIX = 2

_AND = {"AND", "VÀ"}
_OR = {"OR", "HOẶC"}
_NOT = {"NOT", "KHÔNG"}
_QUOTES = '"“”'


class QueryError(ValueError):
    """A query that cannot be searched; the message is for the person who typed it."""


@dataclass(frozen=True)
class Word:
    """A word or a phrase: its tokens must stand side by side; ``prefix``: the last token is
    the beginning of a word."""

    tokens: tuple[Token, ...]
    prefix: bool = False
    quoted: bool = False


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


@dataclass(frozen=True)
class Pair:
    """Two words typed side by side: articles where they also stand side by side rank higher."""

    first: Token
    second: Token
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    text: str
    root: object
    pairs: tuple[Pair, ...] = ()
    words: tuple[Word, ...] = field(default=(), compare=False)

    @property
    def positive(self):
        """The tree without its NOT parts: what a matching article contains."""
        return _positive(self.root)

    @property
    def exact(self):
        """What an article must also contain to match "with the query's exact diacritics": the
        positive tree cut down to the words typed with diacritics (or đ), as written; a word
        typed without them asks for none. ``None`` when the query carries no diacritics (or an
        OR has a side without any). A ``Word`` here means its tokens, each anywhere."""
        return _exact(self.positive)

    @property
    def has_diacritics(self) -> bool:
        return self.exact is not None


def _positive(node):
    if isinstance(node, Word):
        return node
    if isinstance(node, Not):
        return None
    items = tuple(p for p in (_positive(i) for i in node.items) if p is not None)
    if len(items) == 1:
        return items[0]
    return type(node)(items)


def _exact(node):
    if isinstance(node, Word):
        toks = tuple(t for t in node.tokens if has_diacritics(t))
        if not toks:
            return None
        return Word(toks, node.prefix and has_diacritics(node.tokens[-1]))
    if isinstance(node, Not) or node is None:
        return None
    items = [_exact(i) for i in node.items]
    if isinstance(node, Or):
        if any(i is None for i in items):
            return None
    else:
        items = [i for i in items if i is not None]
        if not items:
            return None
    return items[0] if len(items) == 1 else type(node)(tuple(items))


# --- lexer -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Lex:
    kind: str  # WORD, PHRASE, AND, OR, NOT, LP, RP
    text: str = ""
    prefix: bool = False


def _lex(text: str) -> list[_Lex]:
    out: list[_Lex] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "(":
            out.append(_Lex("LP", c))
            i += 1
        elif c == ")":
            out.append(_Lex("RP", c))
            i += 1
        elif c in _QUOTES:
            end = next((j for j in range(i + 1, n) if text[j] in _QUOTES), -1)
            if end < 0:
                raise QueryError(_('Thiếu dấu ngoặc kép đóng: một cụm từ cần tìm phải nằm giữa hai dấu ".'))
            inner = text[i + 1:end]
            i = end + 1
            prefix = i < n and text[i] == "*"
            while i < n and text[i] == "*":
                i += 1
            out.append(_Lex("PHRASE", inner, prefix))
        elif c == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "-)":
            out.append(_Lex("NOT", c))
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()' + _QUOTES:
                j += 1
            word = text[i:j]
            i = j
            if word in _AND:
                out.append(_Lex("AND", word))
            elif word in _OR:
                out.append(_Lex("OR", word))
            elif word in _NOT:
                out.append(_Lex("NOT", word))
            else:
                out.append(_Lex("WORD", word, word.endswith("*")))
    return out


# --- parser ----------------------------------------------------------------------------------

class _Parser:
    def __init__(self, lexemes: list[_Lex]):
        self.lex = lexemes
        self.pos = 0
        self.depth = 0
        self.pairs: list[Pair] = []
        self.words: list[Word] = []

    def peek(self) -> _Lex | None:
        return self.lex[self.pos] if self.pos < len(self.lex) else None

    def take(self) -> _Lex:
        lexeme = self.lex[self.pos]
        self.pos += 1
        return lexeme

    def parse(self):
        node = self.or_expr()
        if self.peek() is not None:  # only a ")" can stop the top level early
            raise QueryError(_("Thừa dấu ngoặc đóng ')': mỗi dấu ')' cần một dấu '(' trước nó."))
        return node

    def or_expr(self):
        items = [self.and_expr()]
        while (lexeme := self.peek()) is not None and lexeme.kind == "OR":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "AND", "RP"):
                raise QueryError(_("Sau %(operator)s cần một từ hoặc cụm từ cần tìm.") % {"operator": lexeme.text})
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self):
        items = []
        explicit = False
        previous = None  # the last bare word, for side-by-side pairs
        while (lexeme := self.peek()) is not None and lexeme.kind not in ("OR", "RP"):
            if lexeme.kind == "AND":
                self.take()
                if not items:
                    raise QueryError(_("Trước %(operator)s cần một từ hoặc cụm từ cần tìm.") % {"operator": lexeme.text})
                nxt = self.peek()
                if nxt is None or nxt.kind in ("OR", "AND", "RP"):
                    raise QueryError(_("Sau %(operator)s cần một từ hoặc cụm từ cần tìm.") % {"operator": lexeme.text})
                explicit = True
                continue
            node = self.unary()
            if node is None:  # a word with no letters or digits ("*", ":", "…")
                previous = None
                continue
            bare = isinstance(node, Word) and not node.quoted
            if bare and previous is not None and not explicit and not previous.prefix:
                second_prefix = node.prefix and len(node.tokens) == 1
                self.pairs.append(Pair(previous.tokens[-1], node.tokens[0], second_prefix))
            previous = node if bare else None
            explicit = False
            items.append(node)
        if not items:
            lexeme = self.peek()
            if lexeme is not None and lexeme.kind == "OR":
                raise QueryError(_("Trước %(operator)s cần một từ hoặc cụm từ cần tìm.") % {"operator": lexeme.text})
            raise QueryError(_("Hãy nhập từ hoặc cụm từ cần tìm."))
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self):
        lexeme = self.peek()
        if lexeme.kind == "NOT":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "AND", "RP", "NOT"):
                raise QueryError(_("Sau %(operator)s cần một từ hoặc cụm từ cần loại trừ.") % {"operator": lexeme.text})
            item = self.unary()
            if item is None:
                raise QueryError(_("Sau %(operator)s cần một từ hoặc cụm từ cần loại trừ.") % {"operator": lexeme.text})
            return item.item if isinstance(item, Not) else Not(item)
        return self.primary()

    def primary(self):
        lexeme = self.take()
        if lexeme.kind == "LP":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(_("Quá nhiều lớp ngoặc lồng nhau (tối đa %(max)s).") % {"max": MAX_DEPTH})
            nxt = self.peek()
            if nxt is None:
                raise QueryError(_("Thiếu dấu ngoặc đóng ')': mỗi dấu '(' cần một dấu ')' sau nó."))
            if nxt.kind == "RP":
                raise QueryError(_("Cặp ngoặc rỗng: giữa '(' và ')' cần từ cần tìm."))
            node = self.or_expr()
            if self.peek() is None:
                raise QueryError(_("Thiếu dấu ngoặc đóng ')': mỗi dấu '(' cần một dấu ')' sau nó."))
            self.take()
            self.depth -= 1
            return node
        if lexeme.kind in ("WORD", "PHRASE"):
            return self.word(lexeme)
        raise QueryError(_("Thừa dấu ngoặc đóng ')': mỗi dấu ')' cần một dấu '(' trước nó."))

    def word(self, lexeme: _Lex) -> Word | None:
        toks = tuple(tokens(lexeme.text))
        if not toks:
            return None
        prefix = lexeme.prefix
        if prefix and len(toks[-1].folded) < MIN_PREFIX:
            if len(toks[-1].folded) == 1 and not toks[-1].folded.isascii():
                prefix = False  # one Chinese or Japanese character: already a whole word
            else:
                raise QueryError(
                    _("Tiền tố «%(prefix)s» quá ngắn: cần ít nhất %(min)s chữ cái trước dấu *.")
                    % {"prefix": lexeme.text, "min": MIN_PREFIX}
                )
        quoted = lexeme.kind == "PHRASE"
        node = Word(toks, prefix, quoted)
        self.words.append(node)
        if len(self.words) > MAX_WORDS:
            raise QueryError(_("Truy vấn quá dài: tối đa %(max)s từ hoặc cụm từ.") % {"max": MAX_WORDS})
        return node


def _flatten(node):
    if isinstance(node, Word):
        return node
    if isinstance(node, Not):
        inner = _flatten(node.item)
        return inner.item if isinstance(inner, Not) else Not(inner)
    items = []
    for item in (_flatten(i) for i in node.items):
        if type(item) is type(node):
            items.extend(item.items)
        else:
            items.append(item)
    return items[0] if len(items) == 1 else type(node)(tuple(items))


def _check_positive(node) -> bool:
    """True when an article matching ``node`` must contain some word; raises on an OR with a
    side that only excludes."""
    if isinstance(node, Word):
        return True
    if isinstance(node, Not):
        if not _check_positive(node.item):
            raise QueryError(_("Điều kiện loại trừ cần một từ hoặc cụm từ cụ thể."))
        return False
    results = [_check_positive(i) for i in node.items]
    if isinstance(node, Or) and not all(results):
        raise QueryError(_("Mỗi vế của OR (HOẶC) cần ít nhất một từ cần tìm, không chỉ điều kiện loại trừ."))
    return any(results)


def parse_query(text: str) -> Query:
    """Parse what a person typed; raises ``QueryError`` (in Vietnamese) when it cannot be
    searched: unbalanced quotes or parentheses, an operator without its words, a query with
    nothing to find or only words to exclude, a too short prefix, a too long query."""
    text = unicodedata.normalize("NFC", text or "")  # "VÀ" typed with combining marks is VÀ
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(_("Truy vấn quá dài: tối đa %(max)s ký tự.") % {"max": MAX_QUERY_CHARS})
    lexemes = _lex(text)
    if not lexemes:
        raise QueryError(_("Hãy nhập từ hoặc cụm từ cần tìm."))
    parser = _Parser(lexemes)
    root = _flatten(parser.parse())
    if not _check_positive(root):
        raise QueryError(_("Truy vấn chỉ có điều kiện loại trừ: hãy thêm ít nhất một từ cần tìm."))
    positive_words = _collect(_positive(root))
    return Query(text, root, tuple(parser.pairs[:MAX_PAIRS]), tuple(positive_words))


def _collect(node) -> list[Word]:
    if node is None:
        return []
    if isinstance(node, Word):
        return [node]
    return [w for item in node.items for w in _collect(item)]
