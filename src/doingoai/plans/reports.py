"""The periodic report on the plan ("Báo cáo kết quả thực hiện công tác thông tin đối
ngoại"): compiled from tasks, updates and registered figures into a draft that staff edit,
then issued with the next number of the register, frozen, and rendered as DOCX and PDF in
the Decree 30/2020/NĐ-CP layout."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doingoai.core import audit, documents, numbering, permissions
from doingoai.core.models import Organisation, Unit

from . import selectors, statistics
from .models import Plan, Report

REPORT_TO = ("BCD-TTDN", "UBND-TP", "BO-TTTT")  # section IV of the plan: who receives the report


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def period_label(kind: str, start: datetime.date, end: datetime.date) -> str:
    if kind == Report.Kind.HALF_YEAR:
        half = "đầu" if start.month <= 6 else "cuối"
        return f"6 tháng {half} năm {start.year}"
    if kind == Report.Kind.YEAR:
        return f"năm {start.year}"
    return f"từ ngày {_fmt(start)} đến ngày {_fmt(end)}"


def period_for(kind: str, year: int, half: int = 1) -> tuple[datetime.date, datetime.date]:
    if kind == Report.Kind.HALF_YEAR:
        return (datetime.date(year, 1, 1), datetime.date(year, 6, 30)) if half == 1 else (
            datetime.date(year, 7, 1), datetime.date(year, 12, 31))
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def can_compile(user, plan: Plan) -> bool:
    owner = plan.owner_unit_id
    return permissions.is_leader(user) or (owner is not None and permissions.can_edit(user, owner))


def can_issue(user, plan: Plan) -> bool:
    owner = plan.owner_unit_id
    return permissions.is_leader(user) or (owner is not None and permissions.can_approve(user, owner))


def _task_section(task, updates) -> dict:
    lines = [f"- Ngày {_fmt(u.date)} ({u.unit.name}): {u.text}" for u in updates]
    if not lines:
        lines = ["- Chưa có cập nhật trong kỳ."]
    status = f"Tiến độ: {task.progress}% – {task.get_status_display()}."
    who = f"Đơn vị chủ trì: {task.lead_unit.name}."
    return {"heading": f"{task.no}. {task.title}", "text": "\n".join([who, *lines, status])}


@transaction.atomic
def compile_report(plan: Plan, user, *, kind: str, start: datetime.date, end: datetime.date) -> Report:
    if not can_compile(user, plan):
        raise PermissionDenied(_("Chỉ đơn vị theo dõi kế hoạch và lãnh đạo Sở được lập báo cáo."))
    if start > end:
        raise ValidationError(_("Ngày bắt đầu kỳ báo cáo phải trước ngày kết thúc."))
    updates = list(selectors.updates_in(plan, start, end))
    by_task: dict[int, list] = {}
    for update in updates:
        by_task.setdefault(update.task_id, []).append(update)
    tasks = list(plan.tasks.select_related("lead_unit").order_by("no"))
    org = Organisation.on(end)
    intro = (
        f"Thực hiện {plan.kind} số {plan.number} ngày {_fmt(plan.date)} về {plan.title[0].lower() + plan.title[1:]}, "
        f"{org.name if org else plan.issuer} báo cáo kết quả thực hiện {period_label(kind, start, end)} như sau:"
    )
    sections = [{"heading": "", "text": intro}, {"heading": "I. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ", "text": ""}]
    sections += [_task_section(t, by_task.get(t.pk, [])) for t in tasks]
    sections.append({"heading": "II. ĐÁNH GIÁ CHUNG", "text": "- Kết quả đạt được: …\n- Tồn tại, hạn chế và nguyên nhân: …"})
    open_tasks = [t for t in tasks if t.is_open()]
    sections.append({
        "heading": "III. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI",
        "text": "\n".join(f"- Tiếp tục thực hiện nhiệm vụ {t.no}: {t.title}." for t in open_tasks) or "- …",
    })
    sections.append({"heading": "IV. ĐỀ XUẤT, KIẾN NGHỊ", "text": "- …"})
    recipients = [f"{u.name} (để b/c)" for u in Unit.objects.filter(code__in=REPORT_TO).order_by("name")]
    recipients.append("Giám đốc, các Phó Giám đốc Sở")
    report = Report.objects.create(
        plan=plan, kind=kind, period_start=start, period_end=end,
        title=f"Kết quả thực hiện công tác thông tin đối ngoại {period_label(kind, start, end)}",
        sections=sections, statistics=statistics.collect(start, end), recipients=recipients,
        signer_title=plan.signer_title or "GIÁM ĐỐC", signer_authority="GIÁM ĐỐC",
        signer_name=plan.signer_name, created_by=user,
        organisation_name=(org.name if org else plan.issuer), organisation_parent=(org.parent_name if org else plan.issuer_parent),
        place=(org.place if org else plan.place),
    )
    audit.record("create", report, changes={"kỳ": [_fmt(start), _fmt(end)]})
    return report


@transaction.atomic
def update_draft(report: Report, user, **fields) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_issued:
        raise ValidationError(_("Báo cáo đã ban hành, không sửa được nữa."))
    if not can_compile(user, report.plan):
        raise PermissionDenied(_("Bạn không có quyền sửa báo cáo này."))
    allowed = {"title", "sections", "recipients", "signer_mode", "signer_authority", "signer_title", "signer_name"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(report, name, value)
    report.save()
    return report


def issuing_symbol(plan: Plan) -> str:
    """"14/KH-STTTT" → "BC-STTTT": reports carry the issuing body's part of the plan's number."""
    body = plan.number.split("-", 1)[1] if "-" in plan.number else "STTTT"
    return f"BC-{body}"


@transaction.atomic
def issue(report: Report, user, *, on: datetime.date | None = None) -> Report:
    """Give the report its number, freeze it and render its DOCX and PDF. A second click on
    "ban hành" finds the report issued and changes nothing."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_issued:
        raise ValidationError(_("Báo cáo đã được ban hành với số %(number)s.") % {"number": report.number})
    if not can_issue(user, report.plan):
        raise PermissionDenied(_("Chỉ lãnh đạo Sở hoặc trưởng đơn vị theo dõi kế hoạch được ban hành báo cáo."))
    if not report.signer_name.strip():
        raise ValidationError(_("Chưa có tên người ký."))
    on = on or timezone.localdate()
    report.number = numbering.take_number(issuing_symbol(report.plan), on.year)
    report.issued_on = on
    report.issued_by = user
    report.status = Report.Status.ISSUED
    report.save()
    render_files(report.pk)
    audit.record("sign", report, changes={"số": report.number, "ngày": on.isoformat()})
    return Report.objects.get(pk=report.pk)


def _heading_level(heading: str) -> int:
    """"II. ĐÁNH GIÁ CHUNG" is a part (1); "3. Tên nhiệm vụ" a task within it (2)."""
    numeral = heading.split(".", 1)[0].strip()
    return 1 if numeral and set(numeral) <= set("IVXLC") else 2


def as_document(report: Report) -> documents.OfficialDocument:
    body: list = []
    for section in report.sections:
        if section.get("heading"):
            body.append(documents.Heading(section["heading"], level=_heading_level(section["heading"])))
        bullets: list[str] = []
        for line in (section.get("text") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                bullets.append(line[2:])
                continue
            if bullets:
                body.append(documents.Bullets(bullets))
                bullets = []
            if line:
                body.append(documents.Paragraph(line))
        if bullets:
            body.append(documents.Bullets(bullets))
    if report.statistics:
        body.append(documents.Heading("PHỤ LỤC: SỐ LIỆU", level=1))
        body.append(documents.Table(["Nhóm", "Chỉ tiêu", "Số liệu"],
                                    [[s["group"], s["label"], str(s["value"])] for s in report.statistics]))
    return documents.OfficialDocument(
        parent_body=report.organisation_parent.upper(),
        issuer=report.organisation_name.upper(),
        number=report.number or f"/{issuing_symbol(report.plan)}",
        place=report.place,
        date=report.issued_on or timezone.localdate(),
        kind="BÁO CÁO",
        title=report.title,
        body=body,
        recipients=report.recipients,
        signature=documents.Signature(authority=report.signer_authority.upper(), title=report.signer_title.upper(),
                                      name=report.signer_name, mode=report.signer_mode),
        archive_note="VT, TTBCXB",
    )


def render_files(report_id: int) -> None:
    report = Report.objects.get(pk=report_id)
    doc = as_document(report)
    stem = (report.number or f"du-thao-{report.pk}").replace("/", "-")
    report.docx.save(f"bao-cao-{stem}.docx", ContentFile(documents.render_docx(doc)), save=False)
    report.pdf.save(f"bao-cao-{stem}.pdf", ContentFile(documents.render_pdf(doc)), save=False)
    Report.objects.filter(pk=report.pk).update(docx=report.docx.name, pdf=report.pdf.name)
