"""Claim matching: each new monitored article is compared with the claims of the open and the
closed cases; a resemblance above ``DOINGOAI_CLAIM_SUGGEST`` is shown on the case and its
assignee is told, above ``DOINGOAI_CLAIM_AUTO`` the article is linked to the (open) case.

    from doingoai.cases import matching

    found = matching.match_articles([article.pk, ...])   # [(case_id, article_id, score)]
    matching.apply(found)                                 # suggestions, links, alerts

**What is compared.** A case is one or more documents: its claim (``case.claim`` or, when
empty, ``case.title``) and the title + lead of each article already linked to it
(``case.urls`` with an article). An article is its title + lead (the first ``LEAD_CHARS``
characters of its text), cut into *segments*: the whole of it, its title, and each sentence of
the lead. A claim is a sentence, so it is compared with each sentence and the best one counts:
the score then does not fall when the lead is long (measured: the best threshold moved from
0.74 to 0.70 when 400 characters of unrelated text were added to every article, against 0.72 →
0.60 for whole-text comparison).

**How.** Text is folded with ``core.vntext.fold`` (marks, đ and case do not matter: "cau hoang
van thu bi sap" is "Cầu Hoàng Văn Thụ bị sập"), cut into character n-grams — 3 to 5 characters
within each word for alphabetic scripts, 2 and 3 characters for runs of Chinese, Japanese and
Korean (which write no spaces between words; their 3–5-grams were too sparse: a Chinese
paraphrase scored 0.44, with bigrams 0.73) — hashed (``HashingVectorizer``, no vocabulary, so a
new article's unseen n-grams count in its length) and weighted by TF-IDF learnt from the cases'
documents. For a segment *a* and a document *d* (both L2-normalised TF-IDF vectors):

* cosine ``cos = a·d`` — falls as the segment grows;
* containment ``con = Σ_{g ∈ d, g ∈ a} d_g²`` — the share of the document's weight found in
  the segment; rises (by chance) as the segment grows, does not fall;
* ``raw = √(cos · con)`` — the geometric mean: a paraphrase that contains the claim in other
  words has both fairly high, a text that merely mentions the same place (the hard case: "Cầu
  Hoàng Văn Thụ cấm xe tải để bảo trì" against "Cầu Hoàng Văn Thụ bị sập") has neither high.

The score of (article, case) is the best ``raw`` over the segments and the case's documents,
mapped by a piecewise-linear calibration (``RAW_KNOTS``) so that the thresholds of the settings
mean what they say on the labelled set ``data/claims-eval.jsonl`` (``bench/claims.py``): a
paraphrase of the claim scores ≥ 0.75, a syndicated copy of a linked article ≥ 0.95 (raw
0.96–0.98), a different claim about the same place < 0.75 (with one or two exceptions, listed
by the bench).

**Limits.** Lexical: a *translation* of a claim into another script (Chinese, Japanese, Korean)
scores ~0; into English only its place names match (score < 0.3). A case gets a foreign-language
document when staff link a foreign article to it; copies and paraphrases in that language then
match. The bench reports recall with and without translations.

**Cost.** The index (folding, n-grams, IDF of all cases' documents) is built once per process
and reused while the cases do not change (``_state_key``: counts, largest ids and a digest of
the claims and links — one narrow query). A batch of articles is one sparse product per chunk
of ``CHUNK`` articles.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from doingoai.core import audit, notify, permissions
from doingoai.core.vntext import fold

logger = logging.getLogger("doingoai.cases.matching")

LEAD_CHARS = 600
MIN_SENTENCE = 20          # shorter sentences ("Hải Phòng.") are not segments of their own
CHUNK = 128                # articles per sparse product (bounds the dense score block)
N_FEATURES = 2 ** 20
# raw → score: a paraphrase (raw ≥ 0.72 on the labelled set) ≥ 0.75, a copy (raw ≥ 0.95) ≥ 0.95.
RAW_KNOTS = ((0.0, 0.0), (0.72, 0.75), (0.95, 0.95), (1.0, 1.0))

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s*")


def suggest_threshold() -> float:
    return float(settings.DOINGOAI_CLAIM_SUGGEST)


def auto_threshold() -> float:
    return float(settings.DOINGOAI_CLAIM_AUTO)


# --- text ---------------------------------------------------------------------------------------

def ngrams(folded: str) -> list[str]:
    """The features of a folded text: 3–5-grams within each word (padded with a space on each
    side, as scikit-learn's ``char_wb``), 2- and 3-grams of each run of CJK characters."""
    out: list[str] = []
    for word in _WORD.findall(folded):
        cjk_runs = _CJK.findall(word)
        pieces = [p for p in _CJK.split(word) if p] if cjk_runs else [word]
        for piece in pieces:
            padded = f" {piece} "
            for n in (3, 4, 5):
                if len(padded) <= n:
                    out.append(padded)
                    break
                out.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
        for run in cjk_runs:
            for n in (2, 3):
                if len(run) <= n:
                    out.append(run)
                    break
                out.extend(run[i:i + n] for i in range(len(run) - n + 1))
    return out


def article_text(title: str, text: str) -> str:
    """Title + lead: what an article is compared by (and what a linked article adds to a case)."""
    title, lead = (title or "").strip(), (text or "")[:LEAD_CHARS].strip()
    return f"{title}. {lead}" if title and lead else (title or lead)


def segments(title: str, text: str) -> list[str]:
    """The whole title + lead, the title, and each sentence of the lead."""
    whole = article_text(title, text)
    parts = [whole]
    if title and title != whole:
        parts.append(title)
    lead = (text or "")[:LEAD_CHARS]
    sentences = [s for s in _SENTENCE_END.split(lead) if len(s) >= MIN_SENTENCE]
    if len(sentences) > 1 or (sentences and sentences[0] != whole):
        parts.extend(sentences)
    return parts


def calibrate(raw: np.ndarray) -> np.ndarray:
    xs, ys = zip(*RAW_KNOTS, strict=True)
    return np.interp(np.clip(raw, 0.0, 1.0), xs, ys)


# --- the index -----------------------------------------------------------------------------------

def _vectoriser():
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer=ngrams, n_features=N_FEATURES, alternate_sign=False, norm=None,
                             lowercase=False)


class ClaimIndex:
    """The cases' documents as TF-IDF vectors. ``docs`` is ``[(case_id, text), …]``; a case
    may have several documents (its claim, its linked articles)."""

    def __init__(self, docs: Sequence[tuple[int, str]]):
        from sklearn.feature_extraction.text import TfidfTransformer

        order = sorted(range(len(docs)), key=lambda i: docs[i][0])  # a case's documents together
        docs = [docs[i] for i in order if docs[i][1].strip()]
        self.hasher = _vectoriser()
        case_ids = [case_id for case_id, _text in docs]
        self.case_ids = np.array(sorted(set(case_ids)), dtype=np.int64)
        if not docs:
            self.tfidf = None
            return
        counts = self.hasher.transform([fold(text) for _case, text in docs])
        self.tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
        # An n-gram no case has weighs as one that a single case has (not more): otherwise, in a
        # small register, the unseen n-grams of an article outweigh the ones it shares.
        rarest = np.log((1 + counts.shape[0]) / 2) + 1
        self.tfidf.idf_ = np.minimum(self.tfidf.idf_, rarest)
        self.docs = self.tfidf.transform(counts).tocsr()
        self.docs_t = self.docs.T.tocsc()
        self.docs_sq_t = self.docs.multiply(self.docs).T.tocsc()
        # where each case's documents start (they are sorted by case)
        starts = np.flatnonzero(np.r_[True, np.diff(np.array(case_ids)) != 0])
        self._case_starts = starts

    def __len__(self) -> int:
        return len(self.case_ids)

    def scores(self, articles: Sequence[tuple[str, str]]) -> np.ndarray:
        """(len(articles) × len(case_ids)) calibrated scores of each article against each case."""
        out = np.zeros((len(articles), len(self.case_ids)))
        if self.tfidf is None or not articles:
            return out
        for start in range(0, len(articles), CHUNK):
            chunk = articles[start:start + CHUNK]
            texts, owner = [], []
            for i, (title, text) in enumerate(chunk):
                for part in segments(title, text):
                    texts.append(fold(part))
                    owner.append(i)
            vectors = self.tfidf.transform(self.hasher.transform(texts)).tocsr()
            present = vectors.copy()
            present.data[:] = 1.0
            cos = (vectors @ self.docs_t).toarray()
            con = (present @ self.docs_sq_t).toarray()
            raw = np.sqrt(np.clip(cos, 0, 1) * np.clip(con, 0, 1))
            seg_starts = np.flatnonzero(np.r_[True, np.diff(np.array(owner)) != 0])
            per_article = np.maximum.reduceat(raw, seg_starts, axis=0)
            per_case = np.maximum.reduceat(per_article, self._case_starts, axis=1)
            out[start:start + len(chunk)] = calibrate(per_case)
        return out

    def matches(self, articles: Sequence[tuple[str, str]], minimum: float) -> list[tuple[int, int, float]]:
        """``[(article_index, case_id, score)]`` with score ≥ ``minimum``, best first."""
        block = self.scores(articles)
        rows, cols = np.nonzero(block >= minimum)
        found = [(int(r), int(self.case_ids[c]), round(float(block[r, c]), 4)) for r, c in zip(rows, cols, strict=True)]
        return sorted(found, key=lambda m: (-m[2], m[0], m[1]))


# --- the cases as documents, cached per process -------------------------------------------------

_lock = threading.Lock()
_cache: dict = {}


def _state_key() -> str:
    """Changes when a case is added, removed, retitled, its claim edited, or an article is
    linked to it or unlinked. One narrow read of the cases and their links."""
    from .models import Case, CaseURL

    digest = hashlib.sha256()
    for row in Case.objects.order_by("pk").values_list("pk", "title", "claim").iterator(chunk_size=2000):
        digest.update(repr(row).encode())
    links = CaseURL.objects.filter(article__isnull=False).order_by("pk").values_list("case_id", "article_id")
    for row in links.iterator(chunk_size=2000):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def _documents() -> list[tuple[int, str]]:
    from .models import Case, CaseURL

    docs = [(pk, (claim or "").strip() or title) for pk, title, claim in
            Case.objects.values_list("pk", "title", "claim").iterator(chunk_size=2000)]
    linked = (CaseURL.objects.filter(article__isnull=False)
              .values_list("case_id", "article__title", "article__text").distinct())
    seen = set()
    for case_id, title, text in linked.iterator(chunk_size=500):
        doc = article_text(title, text)
        if (case_id, doc) not in seen:
            seen.add((case_id, doc))
            docs.append((case_id, doc))
    return docs


def index() -> ClaimIndex:
    """The index of every case (open and closed), rebuilt only when the cases changed."""
    key = _state_key()
    with _lock:
        if _cache.get("key") != key:
            _cache["index"] = ClaimIndex(_documents())
            _cache["key"] = key
        return _cache["index"]


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def match_articles(article_ids: Iterable[int]) -> list[tuple[int, int, float]]:
    """``[(case_id, article_id, score)]`` with score ≥ the suggest threshold, best first. An
    article already linked to a case (same canonical address) is not matched with it again."""
    from doingoai.monitoring.models import Article

    from .models import Case, CaseURL

    ids = sorted(set(article_ids))
    if not ids or not Case.objects.exists():
        return []
    rows = list(Article.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "url_key", "title", "text"))
    if not rows:
        return []
    claim_index = index()
    found = claim_index.matches([(title, text) for _pk, _key, title, text in rows], suggest_threshold())
    if not found:
        return []
    url_keys = {row[1] for row in rows}
    linked = set(CaseURL.objects.filter(url_key__in=url_keys).values_list("case_id", "url_key"))
    out = []
    for row_index, case_id, score in found:
        article_id, url_key = rows[row_index][0], rows[row_index][1]
        if (case_id, url_key) not in linked:
            out.append((case_id, article_id, score))
    return out


# --- acting on the matches ------------------------------------------------------------------------

@dataclass
class Applied:
    linked: int = 0
    suggested: int = 0
    skipped: int = 0       # already suggested, linked or dismissed before

    def as_dict(self) -> dict:
        return {"linked": self.linked, "suggested": self.suggested, "skipped": self.skipped}


def _case_url(case) -> str:
    try:
        return case.get_absolute_url()
    except NoReverseMatch:  # the case page is not routed (a process without the admin URLs)
        return ""


def alert_recipients(case):
    """The assignee; without one, the staff of the case's owner unit with an editing role."""
    if case.assignee_id and case.assignee.is_active:
        return [case.assignee]
    return list(get_user_model().objects.filter(
        is_active=True, memberships__unit_id=case.owner_unit_id,
        memberships__role__in=permissions.EDITING_ROLES).distinct())


def _alert(case, article, score: float) -> int:
    if case.is_open:
        title = _("Bài báo có thể liên quan đến vụ việc %(number)s") % {"number": case.number}
    else:
        title = _("Bài báo có thể liên quan đến vụ việc đã đóng %(number)s") % {"number": case.number}
    body = _("«%(article)s» (%(outlet)s) giống nội dung vụ việc «%(case)s» với mức %(score)s%%.") % {
        "article": article.title, "outlet": article.source.name if article.source_id else _("không rõ nguồn"),
        "case": case.title, "score": round(score * 100)}
    if not case.is_open:
        body += " " + _("Vụ việc đã đóng: xem xét có cần mở lại hoặc xử lý tiếp.")
    return notify.in_app(alert_recipients(case), title, body, url=_case_url(case),
                         key=f"cases.claim:{case.pk}:{article.pk}")


def _held_by_other_open_case(case, url_key: str) -> bool:
    from .models import CaseURL, Step

    return CaseURL.objects.filter(url_key=url_key).exclude(case=case).exclude(case__step=Step.CLOSED).exists()


def link_article(case, article, user=None):
    """Attach ``article`` to ``case`` as one of its addresses and request its capture.
    Returns the ``CaseURL`` (the existing one when the address is already there)."""
    from . import evidence
    from .models import CaseURL

    case_url, created = CaseURL.objects.get_or_create(
        case=case, url_key=article.url_key,
        defaults={"url": article.url, "article": article, "added_by": user})
    if created:
        evidence.request_capture(case_url, user=user)
    elif case_url.article_id is None:
        CaseURL.objects.filter(pk=case_url.pk).update(article=article)
    return case_url


def apply(matches: Iterable[tuple[int, int, float]]) -> Applied:
    """Record each match once: ≥ auto on an open case → linked (and captured); otherwise a
    suggestion and an in-app alert. A pair seen before (in any state) is left alone."""
    from doingoai.monitoring.models import Article

    from .models import Case, ClaimSuggestion

    result = Applied()
    matches = list(matches)
    if not matches:
        return result
    cases = Case.objects.select_related("assignee").in_bulk({m[0] for m in matches})
    articles = Article.objects.select_related("source").in_bulk({m[1] for m in matches})
    auto = auto_threshold()
    for case_id, article_id, score in matches:
        case, article = cases.get(case_id), articles.get(article_id)
        if case is None or article is None:
            continue
        link = score >= auto and case.is_open and not _held_by_other_open_case(case, article.url_key)
        state = ClaimSuggestion.State.LINKED if link else ClaimSuggestion.State.SUGGESTED
        try:
            with transaction.atomic():
                suggestion, created = ClaimSuggestion.objects.get_or_create(
                    case=case, article=article, defaults={"score": score, "state": state})
                if not created:
                    result.skipped += 1
                    continue
                if link:
                    link_article(case, article)
                    audit.record("cases.claim.autolink", case, changes={
                        "bai_bao": [None, article.pk], "diem": round(score, 4), "tu_dong": True})
        except IntegrityError:  # the same pair by another worker at the same moment
            result.skipped += 1
            continue
        if link:
            result.linked += 1
        else:
            result.suggested += 1
            _alert(case, article, score)
    return result


def run(article_ids: Iterable[int]) -> dict:
    """The job: match and apply."""
    return apply(match_articles(article_ids)).as_dict()


# --- decisions of staff on a suggestion ----------------------------------------------------------

def can_decide(user, case) -> bool:
    """Whoever works on the case (``selectors.can_view``: leaders, the case units' staff who
    own it or hold one of its steps) decides on its suggestions."""
    from .selectors import can_view

    return can_view(user, case)


def _decide(suggestion_id: int, user, state: str):
    from .models import ClaimSuggestion

    with transaction.atomic():
        suggestion = (ClaimSuggestion.objects.select_for_update().select_related("case", "article")
                      .get(pk=suggestion_id))
        if not can_decide(user, suggestion.case):
            raise PermissionDenied(_("Bạn không có quyền xử lý đề xuất của vụ việc này."))
        if suggestion.state == state:
            return suggestion, False  # a second click: already done
        if suggestion.state != ClaimSuggestion.State.SUGGESTED:
            raise ValidationError(_("Đề xuất này đã được xử lý (%(state)s).") % {
                "state": suggestion.get_state_display()})
        if state == ClaimSuggestion.State.LINKED:
            if not suggestion.case.is_open:
                raise ValidationError(_("Vụ việc đã đóng, không gắn thêm bài báo được."))
            if _held_by_other_open_case(suggestion.case, suggestion.article.url_key):
                raise ValidationError(_("Địa chỉ của bài báo đã thuộc một vụ việc khác đang mở."))
            link_article(suggestion.case, suggestion.article, user=user)
        before = suggestion.state
        suggestion.state, suggestion.decided_by = state, user
        suggestion.save(update_fields=["state", "decided_by"])
        audit.record("cases.claim.decide", suggestion.case, user=user, changes={
            "de_xuat": suggestion.pk, "bai_bao": suggestion.article_id, "trang_thai": [before, state]})
    return suggestion, True


def link_suggestion(suggestion_id: int, user):
    """"Gắn vào vụ việc": the article becomes an address of the case (captured). Returns
    ``(suggestion, changed)``; a second click changes nothing."""
    from .models import ClaimSuggestion

    return _decide(suggestion_id, user, ClaimSuggestion.State.LINKED)


def dismiss_suggestion(suggestion_id: int, user):
    """"Không liên quan". Returns ``(suggestion, changed)``."""
    from .models import ClaimSuggestion

    return _decide(suggestion_id, user, ClaimSuggestion.State.DISMISSED)


# --- the labelled set -----------------------------------------------------------------------------

EVAL_FILE = "data/claims-eval.jsonl"


def load_labelled(path=None) -> tuple[list[dict], list[dict]]:
    """The labelled set (``data/claims-eval.jsonl``): ``(claims, articles)``.

    One JSON object per line. A claim: ``{"claim_id", "claim", "lang", "linked": [article
    ids]}`` (``linked``: articles already attached to the case, part of its text, not
    evaluated). An article: ``{"id", "title", "text", "lang", "matches": [claim ids], "kind"}``
    with ``kind`` one of ``linked``, ``copy`` (a syndicated copy of a linked article),
    ``paraphrase``, ``unaccented`` (a paraphrase typed without diacritics), ``translation``
    (the claim in another language than the case's), ``different`` (the same place or topic,
    another claim) and ``unrelated``."""
    import json
    from pathlib import Path

    path = Path(path) if path else Path(__file__).resolve().parent / EVAL_FILE
    claims, articles = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            (claims if "claim_id" in row else articles).append(row)
    return claims, articles


def evaluate(claims: list[dict], articles: list[dict], *, suggest: float | None = None,
             auto: float | None = None) -> dict:
    """Precision, recall and F1 of the pairs (article, claim) at the two thresholds."""
    suggest = suggest_threshold() if suggest is None else suggest
    auto = auto_threshold() if auto is None else auto
    by_id = {a["id"]: a for a in articles}
    numbers = {c["claim_id"]: n for n, c in enumerate(claims)}
    docs = []
    for c in claims:
        docs.append((numbers[c["claim_id"]], c["claim"]))
        docs += [(numbers[c["claim_id"]], article_text(by_id[a]["title"], by_id[a]["text"]))
                 for a in c.get("linked", [])]
    linked = {a for c in claims for a in c.get("linked", [])}
    tested = [a for a in articles if a["id"] not in linked]
    claim_index = ClaimIndex(docs)
    block = claim_index.scores([(a["title"], a["text"]) for a in tested])
    ids = [claims[int(n)]["claim_id"] for n in claim_index.case_ids]
    truth = np.array([[cid in a["matches"] for cid in ids] for a in tested], dtype=bool)
    kinds = np.array([a["kind"] for a in tested])

    def figures(threshold: float, mask=None) -> dict:
        wanted = truth if mask is None else truth & mask[:, None]
        predicted = block >= threshold
        tp = int((predicted & truth).sum())
        precision = tp / max(int(predicted.sum()), 1)
        recall = int((predicted & wanted).sum()) / max(int(wanted.sum()), 1)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"threshold": threshold, "precision": round(precision, 3), "recall": round(recall, 3),
                "f1": round(f1, 3), "predicted": int(predicted.sum()), "true": int(wanted.sum())}

    errors = []
    for i, a in enumerate(tested):
        for j, cid in enumerate(ids):
            hit, true = block[i, j] >= suggest, bool(truth[i, j])
            if hit != true:
                errors.append({"article": a["id"], "kind": a["kind"], "lang": a["lang"], "claim": cid,
                               "score": round(float(block[i, j]), 3), "error": "sai" if hit else "sót"})
    return {
        "claims": len(claims), "articles": len(tested), "pairs": int(truth.sum()),
        "suggest": figures(suggest),
        "suggest_same_language": figures(suggest, kinds != "translation"),
        "auto": figures(auto),
        "auto_copies": figures(auto, kinds == "copy"),
        "errors": sorted(errors, key=lambda e: (e["error"], -e["score"])),
    }
