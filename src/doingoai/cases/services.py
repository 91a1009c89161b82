"""Every change to a case goes through these functions (views, commands and jobs call them).

A case is opened from a monitored article or story, from an address a staff member typed, or
from a report of the public form. One address (by its canonical ``url_key``) and one story
never make two open cases: opening again links the new addresses to the open case. A case
moves through the steps of the workflow one at a time, each step with its unit, person and
due date; the decision is taken by a person with the right role, on a legal basis, and signed
in the audit log."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
from collections.abc import Iterable, Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doingoai.core import audit, notify, numbering, permissions, vntext
from doingoai.core.models import AuditEntry, DocumentRegister, Unit
from doingoai.core.secrecy import find_secrecy_mark
from doingoai.monitoring.pipeline.canonical import url_key

from . import access, evidence, selectors
from .models import (
    Action,
    Case,
    CaseNote,
    CaseURL,
    Classification,
    Decision,
    LegalBasis,
    Origin,
    PublicReport,
    Step,
    StepRecord,
)
from .models.cases import STEP_ORDER

#: The register symbol of case numbers ("01/2025/VV") and of public reports' receipts.
CASE_SYMBOL = "VV"
REPORT_SYMBOL = "PA"
#: How long each step takes by default (calendar days); the person moving a case may set another
#: due date. Statutory deadlines (takedowns, complaints) are the clocks' business, not these.
STEP_DAYS = {
    Step.RECEIVED: 1, Step.CLASSIFYING: 2, Step.VERIFYING: 5, Step.PROPOSING: 3,
    Step.DECIDING: 2, Step.EXECUTING: 7, Step.FOLLOWING: 30,
}
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_EXTENSIONS = frozenset({
    "pdf", "docx", "doc", "odt", "txt", "csv", "xlsx", "xls", "ods", "png", "jpg", "jpeg", "gif",
    "webp", "mp4", "mp3", "zip", "html", "htm", "mhtml", "eml",
})
TITLE_MAX = 500


# --- helpers ---------------------------------------------------------------------------------

_URL_VALIDATOR = URLValidator(schemes=["http", "https"])


def clean_url(url: str) -> str:
    """``url`` trimmed, or ValidationError with a message in Vietnamese."""
    url = (url or "").strip()
    if not url:
        raise ValidationError(_("Xin nhập địa chỉ (URL) của thông tin."), code="required")
    try:
        _URL_VALIDATOR(url)
    except ValidationError:
        raise ValidationError(
            _("Địa chỉ “%(url)s” không hợp lệ: cần một địa chỉ web đầy đủ, bắt đầu bằng http:// hoặc "
              "https:// (ví dụ https://baohaiphong.vn/bai-viet.html).") % {"url": url[:200]},
            code="invalid") from None
    if len(url) > 2000:
        raise ValidationError(_("Địa chỉ dài quá 2.000 ký tự."), code="too_long")
    return url


def default_unit(user) -> Unit:
    """The unit that owns a case ``user`` opens: her unit among those that work on cases (in the
    order of ``DOINGOAI_CASES_UNITS``), else the inspectorate."""
    if user is not None and getattr(user, "is_authenticated", False):
        mine = permissions.unit_ids(user, permissions.EDITING_ROLES)
        units = {u.code: u for u in Unit.objects.filter(pk__in=mine, code__in=settings.DOINGOAI_CASES_UNITS)}
        for code in settings.DOINGOAI_CASES_UNITS:
            if code in units:
                return units[code]
    try:
        return Unit.objects.get(code=settings.DOINGOAI_CASES_UNIT)
    except Unit.DoesNotExist:
        raise ValidationError(_("Chưa có đơn vị mã “%(code)s” (đơn vị xử lý vụ việc); xin quản trị hệ thống "
                                "tạo đơn vị này.") % {"code": settings.DOINGOAI_CASES_UNIT}) from None


def _is_member(user, unit: Unit | None) -> bool:
    return unit is not None and user is not None and unit.pk in permissions.unit_ids(user)


def _due_for(step: str, start: datetime.datetime | None = None) -> datetime.datetime | None:
    days = STEP_DAYS.get(step)
    return None if days is None else (start or timezone.now()) + datetime.timedelta(days=days)


def _lock_register(symbol: str, year: int) -> None:
    """Lock the number register of ``symbol``: openings of cases wait for each other here, so
    that two clicks (or two people) on the same address cannot both find "no case yet"."""
    try:
        with transaction.atomic():
            DocumentRegister.objects.get_or_create(year=year, symbol=symbol)
    except IntegrityError:  # created at the same moment by another process
        pass
    DocumentRegister.objects.select_for_update().get(year=year, symbol=symbol)


def _sequence(symbol: str, year: int) -> int:
    return int(numbering.take_number(symbol, year).split("/")[0])


def _case_url(case: Case) -> str:
    return reverse("cases_case", args=[case.pk])


def _notify(users, title: str, case: Case, body: str = "") -> None:
    people = [u for u in users if u is not None]
    if people:
        notify.in_app(people, title, body, url=_case_url(case))


def _articles_by_key(keys: Iterable[str]) -> dict:
    from doingoai.monitoring.models import Article

    return {a.url_key: a for a in Article.objects.filter(url_key__in=list(keys))}


def _lead(article) -> str:
    from doingoai.monitoring.digests import lead_of

    return lead_of(article.text or "", 500) or article.title


def _open_case_with(keys: Sequence[str], story) -> Case | None:
    """The open case that already has ``story`` or one of the address keys."""
    open_cases = Case.objects.exclude(step=Step.CLOSED)
    if story is not None:
        found = open_cases.filter(story=story).order_by("opened_at", "pk").first()
        if found is not None:
            return found
    if keys:
        return open_cases.filter(urls__url_key__in=list(keys)).order_by("opened_at", "pk").first()
    return None


# --- opening ---------------------------------------------------------------------------------

def open_case(*, user, title: str, origin: str, claim: str = "", urls: Iterable[str] = (), story=None,
              article=None, owner_unit: Unit | None = None) -> tuple[Case, bool]:
    """Open a case, or find the open case that already holds ``story`` or one of ``urls``.

    Returns ``(case, created)``. When an open case is found, the addresses it lacks are
    linked to it (the same address or story never opens two cases). Raises ValidationError
    for a missing title or a malformed address."""
    title = vntext.normalize(title or "").strip()
    claim = vntext.normalize(claim or "").strip()
    if not title:
        raise ValidationError(_("Xin nhập tiêu đề vụ việc."), code="required")
    if origin not in Origin.values:
        raise ValidationError(_("Nguồn tiếp nhận không hợp lệ."), code="invalid")
    cleaned: list[str] = []
    seen: set[str] = set()
    for url in [*urls, *([article.url] if article is not None else [])]:
        url = clean_url(url)
        key = url_key(url)
        if key not in seen:
            seen.add(key)
            cleaned.append(url)
    keys = [url_key(u) for u in cleaned]
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    now = timezone.now()
    year = timezone.localdate(now).year
    with transaction.atomic():
        _lock_register(CASE_SYMBOL, year)
        existing = _open_case_with(keys, story)
        if existing is not None:
            if story is not None and existing.story_id is None:
                Case.objects.filter(pk=existing.pk).update(story=story)
                existing.story = story
            for url in cleaned:
                _link_url(existing, url, user)
            return existing, False
        unit = owner_unit or default_unit(user)
        person = user if _is_member(user, unit) else None
        due = _due_for(Step.RECEIVED, now)
        themes = sorted({t for a in _articles_by_key(keys).values() for t in (a.themes or [])})
        case = Case.objects.create(
            number=f"{_sequence(CASE_SYMBOL, year):02d}/{year}/{CASE_SYMBOL}",
            title=title[:TITLE_MAX], claim=claim, origin=origin, story=story, themes=themes,
            owner_unit=unit, assignee=person, step=Step.RECEIVED, step_due=due, opened_by=user,
            opened_at=now, folded=vntext.fold(f"{title} {claim}"),
        )
        StepRecord.objects.create(case=case, step=Step.RECEIVED, unit=unit, person=person, due=due,
                                  entered_at=now, entered_by=user)
        for url in cleaned:
            _link_url(case, url, user)
        audit.record("cases.open", case, user=user, changes={
            "number": case.number, "origin": origin, "owner_unit": unit.code,
            "urls": cleaned, "story": story.pk if story is not None else None,
        })
        if person is None:
            _notify(_unit_people(unit), _("Vụ việc mới %(number)s: %(title)s") % {
                "number": case.number, "title": case.title[:120]}, case)
    return case, True


def _unit_people(unit: Unit):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        is_active=True, memberships__unit=unit, memberships__role__in=permissions.EDITING_ROLES).distinct()


def _link_url(case: Case, url: str, user, article=None) -> CaseURL:
    """The CaseURL of ``url`` on ``case`` (created, with an evidence capture, if new)."""
    key = url_key(url)
    found = CaseURL.objects.filter(case=case, url_key=key).first()
    if found is not None:
        return found
    if article is None:
        article = _articles_by_key([key]).get(key)
    try:
        with transaction.atomic():
            case_url = CaseURL.objects.create(case=case, url=url, url_key=key, article=article, added_by=user)
    except IntegrityError:  # added at the same moment
        return CaseURL.objects.get(case=case, url_key=key)
    evidence.request_capture(case_url, user)
    return case_url


def open_from_article(user, article) -> tuple[Case, bool]:
    """A case on a monitored article (and its story: the story's open case takes it)."""
    return open_case(user=user, title=article.title, origin=Origin.MONITORING, claim=_lead(article),
                     article=article, story=article.story)


def open_from_story(user, story) -> tuple[Case, bool]:
    """A case on a story: every article of the story is one of its addresses."""
    articles = list(story.articles.order_by("published_at", "fetched_at", "pk"))
    first = story.first_article or (articles[0] if articles else None)
    claim = _lead(first) if first is not None else story.title
    case, created = open_case(user=user, title=story.title, origin=Origin.MONITORING, claim=claim,
                              urls=[a.url for a in articles], story=story, article=first)
    return case, created


def open_from_url(user, url: str, title: str = "", claim: str = "") -> tuple[Case, bool]:
    """A case on an address typed by a staff member. Without a title, the title of the
    monitored article at that address is used, if there is one."""
    url = clean_url(url)
    key = url_key(url)
    article = _articles_by_key([key]).get(key)
    if not (title or "").strip() and article is not None:
        title = article.title
    if article is not None:
        return open_case(user=user, title=title, origin=Origin.STAFF, claim=claim or _lead(article),
                         urls=[url], article=article, story=article.story)
    return open_case(user=user, title=title, origin=Origin.STAFF, claim=claim, urls=[url])


def open_from_report(report: PublicReport) -> tuple[Case, bool]:
    """The case of a public report: the open case of its address, or a new one owned by the
    inspectorate. The report is linked to the case and its text kept as a note."""
    description = vntext.normalize(report.description).strip()
    first_line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    title = _("Phản ánh %(receipt)s: %(text)s") % {"receipt": report.receipt, "text": first_line[:150]}
    unit = Unit.objects.filter(code=settings.DOINGOAI_CASES_UNIT).first() or default_unit(None)
    case, created = open_case(user=None, title=title, origin=Origin.PUBLIC, claim=description,
                              urls=[report.url], owner_unit=unit)
    PublicReport.objects.filter(pk=report.pk).update(case=case)
    report.case = case
    if not created:
        CaseNote.objects.create(case=case, step=case.step, author=None, text=_(
            "Phản ánh của người dân %(receipt)s về cùng địa chỉ:\n%(text)s") % {
            "receipt": report.receipt, "text": description})
        _notify([case.assignee], _("Vụ việc %(number)s có thêm phản ánh của người dân") % {
            "number": case.number}, case)
    return case, created


def add_url(case: Case, url: str, user, article=None) -> CaseURL:
    """Add an address to an open case (an evidence capture is requested for it). An address
    that belongs to another open case is refused."""
    url = clean_url(url)
    key = url_key(url)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open:
            raise ValidationError(_("Vụ việc %(number)s đã đóng, không thêm địa chỉ.") % {"number": locked.number})
        other = Case.objects.exclude(step=Step.CLOSED).exclude(pk=case.pk).filter(urls__url_key=key).first()
        if other is not None:
            raise ValidationError(_("Địa chỉ này đã thuộc vụ việc %(number)s đang mở.") % {"number": other.number})
        existed = CaseURL.objects.filter(case=case, url_key=key).exists()
        case_url = _link_url(locked, url, user, article=article)
        if not existed:
            audit.record("cases.add_url", locked, changes={"url": url}, user=user)
    return case_url


# --- the workflow ----------------------------------------------------------------------------

def _require_work(case: Case, user) -> None:
    if not selectors.can_view(user, case):
        raise PermissionDenied(_("Bạn không có quyền xử lý vụ việc này."))


def _locked(case: Case, expected_step: str | None = None) -> Case:
    """``case`` re-read and locked; ValidationError when it has moved since it was shown."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    expected = expected_step if expected_step is not None else case.step
    if current.step != expected:
        raise ValidationError(_(
            "Vụ việc %(number)s vừa được chuyển sang bước “%(step)s” (có thể bởi người khác hoặc do bấm hai "
            "lần); thao tác này không được thực hiện. Xin xem lại vụ việc rồi làm tiếp.") % {
            "number": current.number, "step": current.get_step_display()}, code="stale")
    return current


def allowed_moves(case: Case) -> list[str]:
    """The steps ``case`` may go to from where it is (forward one, back one, or straight to
    "Đóng" after a decision of no violation and no action)."""
    if case.step == Step.CLOSED:
        return []
    at = STEP_ORDER.index(case.step)
    moves = []
    if at > 0:
        moves.append(STEP_ORDER[at - 1])
    moves.append(STEP_ORDER[at + 1])
    if case.step == Step.DECIDING and _closes_directly(case):
        moves.append(Step.CLOSED.value)
    return moves


def _decision_of(case: Case) -> Decision | None:
    return Decision.objects.filter(case_id=case.pk).first()


def _closes_directly(case: Case) -> bool:
    decision = _decision_of(case)
    return (decision is not None and decision.action == Action.NO_ACTION
            and case.classification == Classification.NONE)


def _check_due(due: datetime.datetime | None) -> None:
    if due is not None and due < timezone.now():
        raise ValidationError(_("Hạn xử lý %(due)s đã qua; xin chọn một thời điểm trong tương lai.") % {
            "due": timezone.localtime(due).strftime("%d/%m/%Y %H:%M")}, code="past_due")


def _check_person(person, unit: Unit) -> None:
    if person is None:
        return
    if not person.is_active:
        raise ValidationError(_("Tài khoản %(name)s đã bị khóa, không giao việc được.") % {
            "name": person.get_full_name() or person.get_username()})
    if not _is_member(person, unit):
        raise ValidationError(_("%(name)s không thuộc %(unit)s; xin chọn người của đơn vị được giao.") % {
            "name": person.get_full_name() or person.get_username(), "unit": unit.name})


def move(case: Case, user, step: str, *, unit: Unit, person=None, due: datetime.datetime | None = None,
         note: str = "", from_step: str | None = None) -> Case:
    """Move ``case`` to ``step`` (next, previous with a note, or "Đóng" after a decision of no
    violation and no action), handled by ``unit``/``person`` until ``due`` (default: the step's
    usual length). ``from_step`` is the step the person saw (default ``case.step``): when the
    case has moved since, nothing is done and the message says so."""
    _require_work(case, user)
    note = (note or "").strip()
    if step not in Step.values:
        raise ValidationError(_("Bước không hợp lệ."), code="invalid")
    if unit is None:
        raise ValidationError(_("Xin chọn đơn vị phụ trách bước tiếp theo."), code="required")
    _check_due(due)
    _check_person(person, unit)
    with transaction.atomic():
        current = _locked(case, from_step)
        before = current.step
        if before == Step.CLOSED:
            raise ValidationError(_("Vụ việc %(number)s đã đóng.") % {"number": current.number})
        if step not in allowed_moves(current):
            raise ValidationError(_(
                "Không chuyển được từ bước “%(from)s” sang “%(to)s”: vụ việc đi lần lượt từng bước (hoặc lùi lại "
                "một bước để sửa).") % {"from": current.get_step_display(), "to": Step(step).label},
                code="not_allowed")
        backward = STEP_ORDER.index(step) < STEP_ORDER.index(before)
        if backward and not note:
            raise ValidationError(_("Lùi lại một bước cần ghi rõ lý do."), code="note_required")
        if not backward:
            if before == Step.CLASSIFYING and not current.classification:
                raise ValidationError(_("Cần phân loại vụ việc trước khi chuyển sang bước “%(to)s”.") % {
                    "to": Step(step).label}, code="unclassified")
            if step == Step.EXECUTING and _decision_of(current) is None:
                raise ValidationError(_("Cần có quyết định xử lý trước khi chuyển sang bước “Thực hiện”."),
                                      code="undecided")
        now = timezone.now()
        if step == Step.CLOSED:
            due = None
        elif due is None:
            due = _due_for(step, now)
        StepRecord.objects.filter(case=current, left_at__isnull=True).update(left_at=now)
        StepRecord.objects.create(case=current, step=step, unit=unit, person=person, due=due, note=note,
                                  entered_at=now, entered_by=user)
        current.step, current.step_due, current.assignee = step, due, person
        current.closed_at = now if step == Step.CLOSED else None
        current.save(update_fields=["step", "step_due", "assignee", "closed_at"])
        changes = {"step": [before, step], "unit": unit.code, "person": person.pk if person else None}
        if due is not None:
            changes["due"] = due
        if note:
            changes["ghi_chu"] = note
        audit.record(AuditEntry.Action.STATE, current, changes=changes, user=user)
        if person is not None and person != user:
            _notify([person], _("Vụ việc %(number)s chuyển sang bước “%(step)s”, giao cho anh/chị") % {
                "number": current.number, "step": current.get_step_display()}, current, note)
        elif person is None and step != Step.CLOSED:
            _notify([p for p in _unit_people(unit) if p != user], _(
                "Vụ việc %(number)s chuyển sang bước “%(step)s” tại %(unit)s") % {
                "number": current.number, "step": current.get_step_display(), "unit": unit.name}, current, note)
    case.refresh_from_db()
    return case


def classify(case: Case, user, classification: str, note: str = "") -> Case:
    _require_work(case, user)
    if classification not in Classification.values or not classification:
        raise ValidationError(_("Xin chọn một loại thông tin."), code="required")
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if not current.is_open:
            raise ValidationError(_("Vụ việc %(number)s đã đóng.") % {"number": current.number})
        if _decision_of(current) is not None:
            raise ValidationError(_("Vụ việc %(number)s đã có quyết định xử lý; không đổi phân loại được.") % {
                "number": current.number}, code="decided")
        before = current.classification
        if before == classification:
            return current
        current.classification = classification
        current.save(update_fields=["classification"])
        note = (note or "").strip()
        if note:
            CaseNote.objects.create(case=current, step=current.step, author=user, text=note)
        changes = {"classification": [before, classification]}
        if note:
            changes["ghi_chu"] = note
        audit.record(AuditEntry.Action.STATE, current, changes=changes, user=user)
    case.refresh_from_db()
    return case


def assign(case: Case, user, person, unit: Unit | None = None) -> Case:
    """Give the current step of ``case`` to ``person`` (of ``unit``, default the step's unit)."""
    _require_work(case, user)
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if not current.is_open:
            raise ValidationError(_("Vụ việc %(number)s đã đóng.") % {"number": current.number})
        record = StepRecord.objects.filter(case=current, left_at__isnull=True).order_by("-entered_at", "-pk").first()
        unit = unit or (record.unit if record else current.owner_unit)
        _check_person(person, unit)
        if record is None:
            record = StepRecord.objects.create(case=current, step=current.step, unit=unit, due=current.step_due,
                                               entered_by=user)
        before = [record.unit.code if record.unit_id else None, record.person_id]
        StepRecord.objects.filter(pk=record.pk).update(unit=unit, person=person)
        current.assignee = person
        current.save(update_fields=["assignee"])
        audit.record("cases.assign", current, user=user, changes={
            "step": current.step, "unit": [before[0], unit.code], "person": [before[1], person.pk if person else None]})
        if person is not None and person != user:
            _notify([person], _("Anh/chị được giao xử lý vụ việc %(number)s (bước “%(step)s”)") % {
                "number": current.number, "step": current.get_step_display()}, current)
    case.refresh_from_db()
    return case


# --- notes and attachments -------------------------------------------------------------------

def attachment_text(name: str, data: bytes) -> str:
    """The text of a .txt, .docx or .pdf attachment (for the secrecy check); "" for other
    kinds. ValidationError for a damaged document."""
    ext = PurePath(name).suffix.lower().lstrip(".")
    if ext in ("txt", "csv", "eml"):
        for encoding in ("utf-8-sig", "utf-16", "cp1258"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        return data.decode("latin-1")
    if ext == "docx":
        import docx

        try:
            document = docx.Document(io.BytesIO(data))
        except Exception:  # noqa: BLE001  (a damaged zip, part or XML inside)
            raise ValidationError(_("Tệp Word “%(name)s” bị hỏng, không mở được.") % {"name": name}) from None
        lines = [p.text for p in document.paragraphs]
        for section in document.sections:
            lines += [p.text for p in section.header.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines += [cell.text for cell in row.cells]
        return "\n".join(lines)
    if ext == "pdf":
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise ValidationError(_("Tệp PDF “%(name)s” được đặt mật khẩu; xin bỏ mật khẩu rồi gửi lại.") % {
                    "name": name}) from None
            raise ValidationError(_("Tệp PDF “%(name)s” bị hỏng, không mở được.") % {"name": name}) from None
        try:
            return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        finally:
            pdf.close()
    return ""


def _refuse_secret(text: str, what: str) -> None:
    mark = find_secrecy_mark(text)
    if mark:
        raise ValidationError(_(
            "Không nhận %(what)s: tài liệu mang dấu độ mật “%(mark)s”. Hệ thống không được lưu giữ bí mật nhà nước; "
            "tài liệu mật phải được quản lý theo quy định về bảo vệ bí mật nhà nước, ngoài hệ thống.") % {
            "what": what, "mark": mark}, code="secret")


def add_note(case: Case, user, text: str, file=None) -> CaseNote:
    """A note on the case's current step, with an optional attachment (at most 20 MB; a document
    stamped MẬT, TỐI MẬT or TUYỆT MẬT is refused)."""
    _require_work(case, user)
    text = vntext.normalize(text or "").strip()
    if not text and file is None:
        raise ValidationError(_("Xin nhập nội dung ghi chú hoặc chọn tệp đính kèm."), code="required")
    _refuse_secret(text, _("ghi chú"))
    if file is not None:
        name = PurePath(file.name or "tep").name
        ext = PurePath(name).suffix.lower().lstrip(".")
        if ext not in ATTACHMENT_EXTENSIONS:
            raise ValidationError(_("Không nhận tệp loại “.%(ext)s”. Các loại được nhận: %(kinds)s.") % {
                "ext": ext or "?", "kinds": ", ".join(sorted(ATTACHMENT_EXTENSIONS))}, code="kind")
        if file.size is not None and file.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(_("Tệp “%(name)s” lớn %(size).1f MB, quá giới hạn 20 MB.") % {
                "name": name, "size": file.size / 1024 / 1024}, code="too_big")
        file.seek(0)
        data = file.read()
        file.seek(0)
        _refuse_secret(attachment_text(name, data), _("tệp “%(name)s”") % {"name": name})
    with transaction.atomic():
        current = Case.objects.get(pk=case.pk)
        note = CaseNote(case=current, step=current.step, author=user, text=text)
        if file is not None:
            note.attachment.save(name, file, save=False)
        note.save()
        audit.record("cases.note", current, user=user, changes={
            "note": note.pk, "attachment": note.attachment.name if file is not None else ""})
    return note


# --- the decision ----------------------------------------------------------------------------

def ensure_legal_bases() -> None:
    """On a fresh installation the shipped legal bases are loaded on first need (a list kept by
    staff is never reloaded here)."""
    if not LegalBasis.objects.exists():
        from . import seed

        seed.load_legal_bases()


def decide(case: Case, user, action: str, legal_basis_ids: Iterable[int], reasoning: str) -> Decision:
    """Record the decision on ``case``, signed in the audit log. Only leaders and the head of
    the inspectorate decide; only at the step "Quyết định"; a case has one decision."""
    if not access.can_decide(user):
        raise PermissionDenied(_("Chỉ lãnh đạo Sở và Chánh Thanh tra Sở được quyết định xử lý vụ việc."))
    reasoning = vntext.normalize(reasoning or "").strip()
    ids = sorted({int(i) for i in legal_basis_ids or []})
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        existing = _decision_of(current)
        if existing is not None:
            raise ValidationError(_(
                "Vụ việc đã có quyết định (%(action)s, do %(name)s quyết định lúc %(at)s); không ghi quyết định thứ "
                "hai.") % {"action": existing.get_action_display(),
                           "name": existing.decided_by.get_full_name() or existing.decided_by.get_username(),
                           "at": timezone.localtime(existing.decided_at).strftime("%d/%m/%Y %H:%M")},
                code="decided")
        if current.step != Step.DECIDING:
            raise ValidationError(_("Chỉ quyết định xử lý khi vụ việc ở bước “Quyết định” (hiện ở bước “%(step)s”).")
                                  % {"step": current.get_step_display()}, code="wrong_step")
        if action not in Action.values:
            raise ValidationError(_("Xin chọn hình thức xử lý."), code="required")
        if not ids:
            raise ValidationError(_("Quyết định cần ít nhất một căn cứ pháp lý."), code="no_basis")
        bases = list(LegalBasis.objects.filter(pk__in=ids, active=True))
        if len(bases) != len(ids):
            raise ValidationError(_("Có căn cứ pháp lý không còn áp dụng hoặc không tồn tại; xin chọn lại."),
                                  code="bad_basis")
        if not reasoning:
            raise ValidationError(_("Xin ghi lý do của quyết định."), code="no_reasoning")
        now = timezone.now()
        try:
            with transaction.atomic():
                decision = Decision.objects.create(case=current, action=action, reasoning=reasoning,
                                                   decided_by=user, decided_at=now)
        except IntegrityError:  # decided at the same moment by someone else
            raise ValidationError(_("Vụ việc đã có quyết định; không ghi quyết định thứ hai."),
                                  code="decided") from None
        decision.legal_bases.set(bases)
        entry = audit.record("cases.decision", current, user=user, changes={
            "decision": decision.pk, "action": action, "classification": current.classification,
            "legal_bases": [b.code for b in sorted(bases, key=lambda b: b.code)],
            "legal_basis_titles": [str(b) for b in sorted(bases, key=lambda b: b.code)],
            "reasoning": reasoning, "decided_at": now,
        })
        decision.audit_entry = entry
        decision.save(update_fields=["audit_entry"])
        _notify([p for p in (current.assignee, current.opened_by) if p is not None and p != user],
                _("Vụ việc %(number)s đã có quyết định: %(action)s") % {
                    "number": current.number, "action": decision.get_action_display()}, current)
    return decision


# --- public reports --------------------------------------------------------------------------

class TooManyReports(Exception):
    """The sender's address has sent ``DOINGOAI_REPORTS_PER_HOUR`` reports in the last hour."""


def client_key(address: str) -> str:
    """A salted SHA-256 of the sender's network address: enough to count, not to identify."""
    return hmac.new(settings.SECRET_KEY.encode(), f"cases.report|{address}".encode(), hashlib.sha256).hexdigest()


def reports_in_last_hour(key: str) -> int:
    since = timezone.now() - datetime.timedelta(hours=1)
    return PublicReport.objects.filter(client_key=key, received_at__gte=since).count()


def submit_report(*, url: str, description: str, contact: str = "", address: str = "") -> PublicReport:
    """Receive a report of the public form: a receipt number, and the case it opens or joins.
    TooManyReports when the address has reached the hourly limit."""
    url = clean_url(url)
    description = vntext.normalize(description or "").strip()
    if not description:
        raise ValidationError(_("Xin mô tả thông tin anh/chị phản ánh."), code="required")
    key = client_key(address)
    now = timezone.now()
    with transaction.atomic():
        _lock_register(REPORT_SYMBOL, timezone.localdate(now).year)
        if reports_in_last_hour(key) >= settings.DOINGOAI_REPORTS_PER_HOUR:
            raise TooManyReports
        year = timezone.localdate(now).year
        report = PublicReport.objects.create(
            receipt=f"{REPORT_SYMBOL}-{year}-{_sequence(REPORT_SYMBOL, year):06d}", url=url, url_key=url_key(url),
            description=description, contact=(contact or "").strip(), client_key=key, received_at=now)
        open_from_report(report)  # a new case is announced to its unit by open_case
    return report


def report_status(report: PublicReport) -> str:
    """What the sender may know of her report: received, being handled, or handled."""
    if report.case is None or report.case.step in (Step.RECEIVED,):
        return _("Đã tiếp nhận")
    if report.case.step == Step.CLOSED:
        return _("Đã xử lý xong")
    return _("Đang xử lý")


# --- reminders -------------------------------------------------------------------------------

def remind_overdue_steps(now: datetime.datetime | None = None) -> int:
    """Tell the person responsible for each open case whose step is past its due date (or, with
    nobody named, the people of the step's unit), once per step. Returns how many were told."""
    now = now or timezone.now()
    told = 0
    overdue = (StepRecord.objects.filter(left_at__isnull=True, due__lt=now, case__step=F("step"))
               .exclude(step=Step.CLOSED).select_related("case", "unit", "person"))
    for record in overdue:
        case = record.case
        people = [record.person] if record.person is not None else list(_unit_people(record.unit))
        told += notify.in_app(
            people, _("Vụ việc %(number)s quá hạn bước “%(step)s” (hạn %(due)s)") % {
                "number": case.number, "step": record.get_step_display(),
                "due": timezone.localtime(record.due).strftime("%d/%m/%Y %H:%M")},
            url=_case_url(case), key=f"cases.step-overdue.{record.pk}")
    return told
