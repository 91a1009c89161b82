"""``doingoai plans import FILE [--dry-run] [--json] [--update]``: read a plan file and save it."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from doingoai.plans import importer
from doingoai.plans.imports import unit_refs


def _dates(timeline) -> str:
    if timeline.start and timeline.end and timeline.start != timeline.end:
        return f" ({timeline.start:%d/%m/%Y} – {timeline.end:%d/%m/%Y})"
    if timeline.end:
        return f" (hạn {timeline.end:%d/%m/%Y})"
    return " (chưa xác định được ngày)" if timeline.text else ""


def _unit(match) -> str:
    return f"{match.name} (đơn vị mới)" if match.is_new else match.name


def summary(parsed: importer.ParsedPlan) -> list[str]:
    """The plan as a person reads it on a terminal, task by task."""
    doc = parsed.document
    lines = [
        f"{doc.kind or 'Văn bản'} số {doc.number or '(không rõ)'}"
        + (f" ngày {doc.date:%d/%m/%Y}" if doc.date else ""),
        f"Trích yếu: {doc.title}",
        f"Cơ quan ban hành: {doc.issuer}" + (f" ({doc.issuer_parent})" if doc.issuer_parent else ""),
        f"Số nhiệm vụ: {len(parsed.tasks)}",
        "",
    ]
    for task in parsed.tasks:
        coordinators = ", ".join(_unit(c) for c in task.coordinators) or "—"
        if task.and_related_units:
            coordinators += " và các đơn vị liên quan"
        lines += [
            f"{task.no}. {task.title}",
            f"   Chủ trì: {_unit(task.lead) if task.lead else '—'}",
            f"   Phối hợp: {coordinators}",
            f"   Thời gian: {task.timeline.text or '—'}{_dates(task.timeline)}",
        ]
    if parsed.warnings:
        lines += ["", "Cần xem lại:"] + [f"  - {w}" for w in parsed.warnings]
    return lines


class Command(BaseCommand):
    help = "Kế hoạch: nhập kế hoạch từ tệp (văn bản, DOCX, PDF, ảnh quét)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="import")
        read = actions.add_parser("import", help="đọc một tệp kế hoạch và lưu vào hệ thống")
        read.add_argument("file", type=Path, help="tệp kế hoạch: .txt, .docx, .pdf, ảnh quét")
        read.add_argument("--dry-run", action="store_true", help="chỉ đọc và in kết quả, không lưu gì")
        read.add_argument("--json", action="store_true", help="in kết quả dạng JSON (chỉ JSON ra stdout)")
        read.add_argument("--update", action="store_true", help="thay kế hoạch cùng số, ký hiệu đã có")

    def handle(self, *args, **options):
        if options["action"] == "import":
            self.import_plan(options["file"], dry_run=options["dry_run"], as_json=options["json"],
                             update=options["update"])

    def import_plan(self, path: Path, *, dry_run: bool, as_json: bool, update: bool) -> None:
        try:
            parsed, _ = importer.import_file(path, unit_refs())
        except importer.PlanImportError as exc:
            raise CommandError(exc.message) from None
        if as_json:
            self.stdout.write(json.dumps(parsed.to_contract(), ensure_ascii=False, indent=2))
            for warning in parsed.warnings:
                self.stderr.write(f"Cảnh báo: {warning}")
        else:
            self.stdout.write("\n".join(summary(parsed)))
        if dry_run:
            if not as_json:
                self.stdout.write("\nChạy thử (--dry-run): chưa lưu gì.")
            return
        plan = self._save(parsed, path, update)
        message = f"Đã lưu {plan} ({len(parsed.tasks)} nhiệm vụ)."
        (self.stderr if as_json else self.stdout).write(message)

    def _save(self, parsed, path: Path, update: bool):
        from doingoai.plans import services

        if not parsed.document.number or parsed.document.date is None:
            raise CommandError("Không lưu được: kế hoạch thiếu số ký hiệu hoặc ngày ban hành. Hãy nhập qua màn hình "
                               "quản trị để bổ sung.")
        try:
            return services.save_parsed_plan(parsed, source_path=path, update=update)
        except services.DuplicatePlanError as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
