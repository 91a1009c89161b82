"""The daily press digest (điểm báo).

Every morning (``tasks.prepare_daily_digest``, 07:00 by default, the time editable on the jobs
screen) the relevant articles of the past ``DOINGOAI_DIGEST_HOURS`` hours are compiled into a
draft: domestic and foreign press apart, grouped by theme, each story once with the number of
outlets that ran it. Monitoring staff are told in the app; they edit the draft in the browser
and send it: DOCX with the official header, PDF, and an HTML e-mail to leaders and staff. Every
digest stays in the archive, searchable without diacritics, and each one sent is recorded as
evidence on task 9 of the plan.

Compiling again
    The window only grows: it starts where the first compilation of the day started and ends
    at the new moment. A draft the editor has not saved yet is rebuilt from scratch. Once
    the editor has saved it, compiling again never changes what the editor wrote: the items
    already there keep their texts, places and choices (only their outlet and article counts
    are brought up to date) and stories new in the window are added at the end of their theme.
    "Saved by the editor" is read from the row itself: compiling writes the digest with
    queryset updates that leave ``updated_at`` equal to ``created_at``; an edit saves the model,
    which moves ``updated_at``. A digest that was sent is never changed.

Sending
    ``send`` claims the draft with a compare-and-set (draft → sent) in the same transaction that
    takes the register number, renders the files, sends the e-mail and records the evidence: a
    second click (or a second worker) finds nothing to claim and sends nothing; a failure rolls
    the digest back to a draft, so that the job's retry sends it. The number comes from the
    digest's own series of the register ("01/ĐB-STTTT"); the model has no field for it, so it
    lives in the files, the e-mail and the audit line of the sending.

Everything from the press (titles, leads, outlet names, addresses) is untrusted text: the
templates escape it and the documents take it as plain text.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doingoai.core import audit, documents, notify, numbering, seed, vntext
from doingoai.core.models import Organisation
from doingoai.plans import evidence

from . import access
from .labels import theme_names
from .models import Article, Digest, DigestItem

__all__ = [
    "EVIDENCE_SOURCE", "Entry", "SectionGroup", "ThemeGroup", "compile", "refresh", "prepare_daily", "send",
    "update_draft", "sections", "as_document", "render_files", "lead_of", "digest_url",
    "search_archive", "demo_digest", "theme_label", "theme_choices", "is_touched",
]

EVIDENCE_SOURCE = "monitoring.digest"
evidence.register_source(EVIDENCE_SOURCE, "Điểm báo hằng ngày", task_numbers=[9])

LEAD_CHARS = 300
DOMESTIC, FOREIGN = DigestItem.Section.DOMESTIC, DigestItem.Section.FOREIGN
OTHER_THEME = ""  # the theme code of the items that have none ("Khác")
EDITABLE_ITEM_FIELDS = ("included", "section", "theme", "position", "title", "lead", "negative")


def _day_text(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _moment_text(moment: datetime.datetime | None) -> str:
    """"08:30 ngày 12/03/2025" in the city's time."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return _("%(time)s ngày %(day)s") % {"time": local.strftime("%H:%M"), "day": _day_text(local.date())}


def digest_url(digest: Digest) -> str:
    """The digest's page (the model is not ours to give a ``get_absolute_url``)."""
    return reverse("monitoring_digest", args=[digest.pk])


# --- themes ----------------------------------------------------------------------------------

def theme_label(code: str) -> str:
    return theme_names().get(code or "", "") or (code if code else _("Khác"))


def theme_choices() -> list[tuple[str, str]]:
    return [*theme_names().items(), (OTHER_THEME, _("Khác"))]


def _theme_rank(code: str) -> tuple[int, str]:
    order = list(theme_names())
    if code in order:
        return order.index(code), code
    return (len(order) + (1 if code == OTHER_THEME else 0)), code


# --- what goes in ----------------------------------------------------------------------------

_SENTENCE = re.compile(r".+?(?:[.!?…]+[\"'”’»)\]]*(?=\s|$)|$)", re.S)
_ABBREVIATION = re.compile(r"(?:^|\s)(?:TP|Tp|TX|Q|P|TT|TS|ThS|GS|PGS|BS|KS|Mr|Mrs|Ms|Dr|St|No|Co|Inc|Ltd|v\.v)\.$")


def lead_of(text: str, limit: int = LEAD_CHARS) -> str:
    """The first one or two sentences of ``text``, about ``limit`` characters at most."""
    text = vntext.normalize(text)
    if not text:
        return ""
    sentences: list[str] = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group().strip()
        if not sentence:
            continue
        if sentences and _ABBREVIATION.search(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {sentence}"  # "TP. Hải Phòng" does not end a sentence
        else:
            sentences.append(sentence)
    lead = sentences[0] if sentences else text
    if len(lead) > limit:
        cut = lead[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–")
        return f"{cut}…"
    if len(sentences) > 1 and len(lead) + 1 + len(sentences[1]) <= limit:
        lead = f"{lead} {sentences[1]}"
    return lead


def _section_of(article: Article) -> str:
    """Source country VN is the domestic press; without a source, Vietnamese text is."""
    if article.source_id:
        return DOMESTIC if (article.source.country or "").upper() == "VN" else FOREIGN
    return DOMESTIC if (article.language or "").lower().startswith("vi") else FOREIGN


def _outlet_of(article: Article) -> str:
    if article.source_id:
        return article.source.name
    return (urlsplit(article.url).hostname or "").removeprefix("www.")


@dataclass
class Entry:
    """One story of the period as the digest shows it."""

    story_id: int | None
    section: str
    theme: str
    title: str
    outlet: str
    published_at: datetime.datetime | None
    lead: str
    url: str
    outlet_count: int
    article_count: int
    negative: bool


def period_for(day: datetime.date, now: datetime.datetime | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """[now − DIGEST_HOURS, now). Without ``now``: the present moment for today, the end of the
    day for a day gone by."""
    if now is None:
        if day >= timezone.localdate():
            now = timezone.now()
        else:
            now = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
    return now - datetime.timedelta(hours=settings.DOINGOAI_DIGEST_HOURS), now


def articles_in(start: datetime.datetime, end: datetime.datetime):
    """The relevant articles published in [start, end) (fetched then, when no date was given)."""
    published = Q(published_at__gte=start, published_at__lt=end)
    fetched = Q(published_at__isnull=True, fetched_at__gte=start, fetched_at__lt=end)
    return Article.objects.filter(published | fetched, relevant=True).select_related("source", "story")


def collect(start: datetime.datetime, end: datetime.datetime) -> tuple[list[Entry], int]:
    """(the stories of the period, each once, in digest order; the number of articles)."""
    groups: dict[object, list[Article]] = {}
    articles = list(articles_in(start, end))
    for article in articles:
        key = article.story_id if article.story_id else f"article-{article.pk}"
        groups.setdefault(key, []).append(article)
    known = theme_names()
    entries = []
    for members in groups.values():
        first = min(members, key=lambda a: (a.counted_at, a.pk))
        story = first.story
        theme = next((t for t in (first.themes or []) if t in known), OTHER_THEME)
        outlets = len({a.source_id for a in members if a.source_id}) or 1
        entries.append(Entry(
            story_id=first.story_id, section=_section_of(first), theme=theme, title=vntext.normalize(first.title),
            outlet=_outlet_of(first)[:200], published_at=first.counted_at, lead=lead_of(first.text), url=first.url,
            outlet_count=max(story.outlet_count if story else 0, outlets),
            article_count=max(story.article_count if story else 0, len(members)),
            negative=any(a.sentiment == Article.Sentiment.NEGATIVE for a in members),
        ))
    entries.sort(key=lambda e: (e.section, _theme_rank(e.theme), -e.outlet_count, e.published_at, e.title))
    return entries, len(articles)


def _intro(entries: list[Entry], article_count: int, start, end) -> str:
    if not entries:
        return _("Từ %(start)s đến %(end)s, hệ thống theo dõi báo chí không ghi nhận tin, bài nào liên quan "
                 "đến thành phố.") % {"start": _moment_text(start), "end": _moment_text(end)}
    domestic = sum(e.section == DOMESTIC for e in entries)
    return _(
        "Từ %(start)s đến %(end)s, hệ thống theo dõi báo chí ghi nhận %(articles)s tin, bài liên quan đến "
        "thành phố, gồm %(stories)s vấn đề (%(domestic)s trên báo chí trong nước, %(foreign)s trên báo chí "
        "nước ngoài), trong đó %(negative)s vấn đề có nội dung tiêu cực."
    ) % {"start": _moment_text(start), "end": _moment_text(end), "articles": article_count,
         "stories": len(entries), "domestic": domestic, "foreign": len(entries) - domestic,
         "negative": sum(e.negative for e in entries)}


def _default_title(day: datetime.date) -> str:
    org = Organisation.on(day)
    place = (org.place if org and org.place else seed.reference_plan()["document"].get("place")) or "Hải Phòng"
    return _("Tin, bài báo chí về thành phố %(place)s ngày %(day)s") % {"place": place, "day": _day_text(day)}


def _item(digest: Digest, entry: Entry, position: int) -> DigestItem:
    return DigestItem(
        digest=digest, section=entry.section, theme=entry.theme, position=position, story_id=entry.story_id,
        title=entry.title, outlet=entry.outlet, published_at=entry.published_at, lead=entry.lead,
        url=entry.url[:2000], outlet_count=entry.outlet_count, article_count=entry.article_count,
        negative=entry.negative,
    )


def _positioned(digest: Digest, entries: list[Entry]) -> list[DigestItem]:
    """Items numbered 1, 2, … within each section and theme, in the entries' order."""
    counters: Counter = Counter()
    items = []
    for entry in entries:
        counters[(entry.section, entry.theme)] += 1
        items.append(_item(digest, entry, counters[(entry.section, entry.theme)]))
    return items


def is_touched(digest: Digest) -> bool:
    """Has the editor saved this draft? (see the module's docstring)"""
    return digest.updated_at != digest.created_at


# --- compiling -------------------------------------------------------------------------------

def compile(day: datetime.date | None = None, now: datetime.datetime | None = None, *, user=None) -> Digest:
    """The draft digest of ``day`` (the city's day of ``now`` when not given), created or brought
    up to date as the module's docstring says. A sent digest is returned unchanged."""
    if day is None:
        day = timezone.localdate(now) if now else timezone.localdate()
    start, end = period_for(day, now)
    earlier = Digest.objects.filter(day=day).first()
    if earlier is not None:
        if earlier.status == Digest.Status.SENT:
            return earlier
        # compiling again never narrows the window: it only adds what came since
        start, end = min(start, earlier.period_start), max(end, earlier.period_end)
    entries, article_count = collect(start, end)
    with transaction.atomic():
        digest = Digest.objects.select_for_update().filter(day=day).first()
        if digest is None:
            try:
                with transaction.atomic():
                    digest = Digest.objects.create(
                        day=day, period_start=start, period_end=end, title=_default_title(day),
                        intro=_intro(entries, article_count, start, end),
                    )
            except IntegrityError:  # compiled at the same moment elsewhere: refresh that one
                digest = Digest.objects.select_for_update().get(day=day)
            else:
                DigestItem.objects.bulk_create(_positioned(digest, entries))
                Digest.objects.filter(pk=digest.pk).update(updated_at=F("created_at"),
                                                           search_text=_search_text(digest))
                audit.record("create", digest, user=user, changes={"số vấn đề": len(entries)})
                return Digest.objects.get(pk=digest.pk)
        if digest.status == Digest.Status.SENT:
            return digest
        if not is_touched(digest):
            digest.items.all().delete()
            DigestItem.objects.bulk_create(_positioned(digest, entries))
            Digest.objects.filter(pk=digest.pk).update(
                period_start=start, period_end=end, title=_default_title(day),
                intro=_intro(entries, article_count, start, end), search_text=_search_text(digest),
            )
            audit.record("update", digest, user=user, changes={"soạn lại": len(entries)})
        else:
            added = _merge(digest, entries)
            Digest.objects.filter(pk=digest.pk).update(period_start=start, period_end=end,
                                                       search_text=_search_text(digest))
            audit.record("update", digest, user=user, changes={"thêm vấn đề mới": added})
        return Digest.objects.get(pk=digest.pk)


def refresh(digest_id: int, user=None) -> Digest:
    """"Soạn lại": the draft brought up to date (today's up to now; a past day's within its
    own window)."""
    digest = Digest.objects.get(pk=digest_id)
    now = timezone.now() if digest.day >= timezone.localdate() else digest.period_end
    return compile(digest.day, now, user=user)


def _merge(digest: Digest, entries: list[Entry]) -> int:
    """Keep the editor's items, refresh their counts, add the stories that are new."""
    existing = {item.story_id: item for item in digest.items.exclude(story=None)}
    last: dict[tuple[str, str], int] = {}
    for item in digest.items.all():
        key = (item.section, item.theme)
        last[key] = max(last.get(key, 0), item.position)
    new = []
    for entry in entries:
        item = existing.get(entry.story_id) if entry.story_id else None
        if item is not None:
            DigestItem.objects.filter(pk=item.pk).update(outlet_count=entry.outlet_count,
                                                         article_count=entry.article_count)
            continue
        if entry.story_id is None and digest.items.filter(story=None, url=entry.url[:2000]).exists():
            continue
        key = (entry.section, entry.theme)
        last[key] = last.get(key, 0) + 1
        new.append(_item(digest, entry, last[key]))
    DigestItem.objects.bulk_create(new)
    return len(new)


def prepare_daily(now: datetime.datetime | None = None) -> int:
    """The morning job: compile today's draft and tell the monitoring staff it is ready."""
    now = now or timezone.now()
    digest = compile(timezone.localdate(now), now)
    if digest.status == Digest.Status.DRAFT:
        count = digest.items.filter(included=True).count()
        notify.in_app(
            access.monitoring_staff(),
            _("Điểm báo ngày %(day)s đã sẵn sàng để biên tập") % {"day": _day_text(digest.day)},
            _("Bản nháp có %(n)s vấn đề. Xin rà soát, chỉnh sửa rồi gửi.") % {"n": count},
            url=digest_url(digest), key=f"digest-ready:{digest.day.isoformat()}",
        )
    return digest.pk


# --- editing ---------------------------------------------------------------------------------

@transaction.atomic
def update_draft(digest_id: int, user, *, title: str, intro: str, items: dict[int, dict]) -> Digest:
    """Save the editor's changes: the title, the intro and, per item id, the fields of
    ``EDITABLE_ITEM_FIELDS``. A digest already sent is refused."""
    digest = Digest.objects.select_for_update().get(pk=digest_id)
    if digest.status != Digest.Status.DRAFT:
        raise ValidationError(_("Điểm báo đã được gửi, không sửa được nữa."))
    changes: dict[str, object] = {}
    for name, value in (("title", vntext.normalize(title)), ("intro", (intro or "").strip())):
        if getattr(digest, name) != value:
            changes[name] = [getattr(digest, name), value]
            setattr(digest, name, value)
    if not digest.title:
        raise ValidationError(_("Tiêu đề điểm báo không được để trống."))
    for item in digest.items.filter(pk__in=list(items)):
        diff = {}
        for name, value in items[item.pk].items():
            if name not in EDITABLE_ITEM_FIELDS:
                raise ValueError(name)
            if isinstance(value, str):
                value = value.strip()
            if getattr(item, name) != value:
                diff[name] = [getattr(item, name), value]
                setattr(item, name, value)
        if diff:
            item.save(update_fields=list(diff))
            changes[f"tin {item.pk}"] = diff
    digest.search_text = _search_text(digest)
    digest.save()  # moves updated_at: the editor's changes are kept from now on
    if changes:
        audit.record("update", digest, user=user, changes=changes)
    return digest


# --- what comes out ---------------------------------------------------------------------------

@dataclass
class ThemeGroup:
    code: str
    name: str
    number: int
    items: list[DigestItem] = field(default_factory=list)


@dataclass
class SectionGroup:
    code: str
    name: str
    numeral: str
    themes: list[ThemeGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(t.items) for t in self.themes)


def sections(digest: Digest, *, included_only: bool = True) -> list[SectionGroup]:
    """The digest as it is read: both sections, their themes in the themes' order ("Khác"
    last), the items by the editor's position, then outlets (most first) and time."""
    items = digest.items.all()
    if included_only:
        items = items.filter(included=True)
    out = []
    for numeral, (code, name) in zip(("I", "II"), DigestItem.Section.choices, strict=True):
        mine = [i for i in items if i.section == code]
        groups: dict[str, list[DigestItem]] = {}
        for item in mine:
            groups.setdefault(item.theme or OTHER_THEME, []).append(item)
        group = SectionGroup(code, str(name), numeral)
        for n, theme in enumerate(sorted(groups, key=_theme_rank), start=1):
            ordered = sorted(groups[theme], key=lambda i: (
                i.position, -i.outlet_count, i.published_at or digest.period_end, i.pk))
            for item in ordered:  # what the templates show beside the item's own fields
                item.meta = item_meta(item)
                item.link = item.url if urlsplit(item.url).scheme in ("http", "https") else ""
            group.themes.append(ThemeGroup(theme, theme_label(theme), n, ordered))
        out.append(group)
    return out


def negative_mark() -> str:
    return _("[Tiêu cực]")


def item_meta(item: DigestItem) -> str:
    """"Báo Hải Phòng, 08:00 ngày 12/03/2025; 2 cơ quan báo chí đăng (3 bài)"."""
    parts = ", ".join(p for p in (item.outlet, _moment_text(item.published_at)) if p)
    if item.outlet_count > 1 or item.article_count > 1:
        parts += "; " + _("%(outlets)s cơ quan báo chí đăng (%(articles)s bài)") % {
            "outlets": item.outlet_count, "articles": item.article_count}
    return parts


def _search_text(digest: Digest) -> str:
    parts = [_("Điểm báo ngày %(day)s") % {"day": _day_text(digest.day)}, digest.title, digest.intro]
    for item in digest.items.filter(included=True):
        parts += [item.title, item.lead, item.outlet, theme_label(item.theme)]
    return vntext.fold(" \n".join(p for p in parts if p))


def _organisation(day: datetime.date) -> tuple[str, str, str, str]:
    """(parent body, issuer, place, short name) valid on ``day``."""
    org = Organisation.on(day)
    if org is not None:
        return org.parent_name, org.name, org.place, org.short_name or "STTTT"
    doc = seed.reference_plan()["document"]
    return doc["issuer_parent"], doc["issuer"], doc.get("place") or "Hải Phòng", "STTTT"


def number_symbol(day: datetime.date) -> str:
    """"ĐB-STTTT": the digest's own series in the register of outgoing documents."""
    return f"ĐB-{_organisation(day)[3]}"


def as_document(digest: Digest, number: str = "") -> documents.OfficialDocument:
    parent, issuer, place, _short = _organisation(digest.day)
    body: list = []
    if digest.intro:
        body += [documents.Paragraph(line) for line in digest.intro.splitlines() if line.strip()]
    for section in sections(digest):
        body.append(documents.Heading(f"{section.numeral}. {section.name.upper()}", level=1))
        if not section.themes:
            body.append(documents.Paragraph(_("Không có tin, bài đáng chú ý."), italic=True))
        for theme in section.themes:
            body.append(documents.Heading(f"{theme.number}. {theme.name}", level=2))
            for item in theme.items:
                mark = f"{negative_mark()} " if item.negative else ""
                body.append(documents.Paragraph(f"{mark}{item.title}", bold=True))
                body.append(documents.Paragraph(item_meta(item), italic=True))
                if item.lead:
                    body.append(documents.Paragraph(item.lead))
                if item.url:
                    body.append(documents.Paragraph(_("Đường dẫn: %(url)s") % {"url": item.url}))
    sender = digest.sent_by
    name = (sender.get_full_name() or sender.get_username()) if sender else ""
    return documents.OfficialDocument(
        parent_body=parent.upper(), issuer=issuer.upper(), number=number or f"/{number_symbol(digest.day)}",
        place=place, date=digest.day, kind=_("Điểm báo"), title=digest.title, body=body,
        recipients=[_("Ban Giám đốc Sở (để b/c)"), _("Các phòng, đơn vị thuộc Sở")],
        signature=documents.Signature(authority=_("Người tổng hợp"), title=_("Người tổng hợp"), name=name),
        archive_note=f"VT, {settings.DOINGOAI_MONITORING_UNIT}",
    )


def render_files(digest: Digest, number: str = "") -> tuple[bytes, bytes]:
    """(DOCX, PDF) of the digest as it stands."""
    doc = as_document(digest, number)
    return documents.render_docx(doc), documents.render_pdf(doc)


def file_stem(digest: Digest) -> str:
    return f"diem-bao-{digest.day:%Y-%m-%d}"


def _recipients() -> list[str]:
    people = list(access.leaders()) + list(access.monitoring_staff())
    return sorted({u.email for u in people if u.is_active and u.email})


def _email(digest: Digest, number: str, recipients: list[str], docx: bytes, pdf: bytes) -> EmailMultiAlternatives:
    context = {"digest": digest, "sections": sections(digest), "number": number,
               "day": _day_text(digest.day), "mark": negative_mark(),
               "period": (_moment_text(digest.period_start), _moment_text(digest.period_end))}
    subject = _("Điểm báo ngày %(day)s") % {"day": _day_text(digest.day)}
    message = EmailMultiAlternatives(
        f"[doingoai] {subject}", render_to_string("monitoring/digests/email.txt", context),
        settings.DEFAULT_FROM_EMAIL, recipients,
    )
    message.attach_alternative(render_to_string("monitoring/digests/email.html", context), "text/html")
    stem = file_stem(digest)
    message.attach(f"{stem}.docx", docx,
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    message.attach(f"{stem}.pdf", pdf, "application/pdf")
    return message


def send(digest_id: int, user_id: int | None = None) -> bool:
    """Send the draft once: True when this call sent it, False when it was sent already."""
    with transaction.atomic():
        claimed = Digest.objects.filter(pk=digest_id, status=Digest.Status.DRAFT).update(
            status=Digest.Status.SENT, sent_at=timezone.now(), sent_by_id=user_id)
        if not claimed:
            return False
        digest = Digest.objects.select_related("sent_by").get(pk=digest_id)
        number = numbering.take_number(number_symbol(digest.day), digest.day.year)
        docx, pdf = render_files(digest, number)
        stem = file_stem(digest)
        digest.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
        digest.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        recipients = _recipients()
        if recipients:
            _email(digest, number, recipients, docx, pdf).send()
        Digest.objects.filter(pk=digest.pk).update(
            docx=digest.docx.name, pdf=digest.pdf.name, recipients_count=len(recipients),
            search_text=_search_text(digest),
        )
        count = digest.items.filter(included=True).count()
        evidence.record(
            EVIDENCE_SOURCE, _("Đã gửi điểm báo ngày %(day)s (%(n)s tin)") % {"day": _day_text(digest.day), "n": count},
            obj=digest, day=digest.day, url=digest_url(digest),
            label=_("Điểm báo ngày %(day)s") % {"day": _day_text(digest.day)},
        )
        sender = get_user_model().objects.filter(pk=user_id).first() if user_id else None
        audit.record("state", digest, user=sender, changes={
            "status": [Digest.Status.DRAFT.value, Digest.Status.SENT.value], "số": number,
            "người nhận": len(recipients)})
    return True


# --- the archive -----------------------------------------------------------------------------

def search_archive(query: str = "", date_from: datetime.date | None = None, date_to: datetime.date | None = None):
    """Digests, newest first, whose text holds every word of ``query`` typed with or without
    diacritics, within the days given."""
    digests = Digest.objects.all().order_by("-day")
    for word in vntext.fold_tokens(query or ""):
        digests = digests.filter(search_text__contains=word)
    if date_from:
        digests = digests.filter(day__gte=date_from)
    if date_to:
        digests = digests.filter(day__lte=date_to)
    return digests


# --- the demo --------------------------------------------------------------------------------

def demo_digest(now: datetime.datetime | None = None) -> Digest:
    """This morning's draft, compiled from the stored (demo) articles (the demo moves the
    sample's dates so that the newest article is an hour old)."""
    now = now or timezone.now()
    return compile(timezone.localdate(now), now)
