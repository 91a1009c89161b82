"""Demo of the plans app: the 2025 plan read by the importer from its scanned (OCR) text,
its events of the year and a few progress updates, so a new user sees a living plan."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from doingoai.core import seed
from doingoai.core.demo import loader
from doingoai.core.models import Unit

from . import importer, imports, services
from .models import Plan, ProgressUpdate, Task

OCR_FILE = seed.DATA_DIR / "plan-14-KH-STTTT-2025.ocr.txt"

UPDATES = [
    (9, "TTBCXB", "chuyenvien", datetime.date(2025, 3, 12), "Đã tổng hợp và gửi điểm báo hằng ngày tới Ban Giám đốc Sở.", 30),
    (5, "TTTT", "bientap", datetime.date(2025, 4, 2), "Đã số hóa 120 tư liệu về biển, đảo, đưa lên thư viện điện tử.", 40),
    (2, "TTBCXB", "truongphong", datetime.date(2025, 3, 28), "Tổ chức giao ban báo chí quý I/2025 với các cơ quan báo chí thành phố.", 25),
    (10, "TTS", "thanhtra", datetime.date(2025, 5, 6), "Tiếp nhận, xác minh 03 vụ việc thông tin sai sự thật trên mạng xã hội.", 35),
]


def _apply_reviewers_corrections(parsed, reference: dict) -> None:
    """What the person checking the import would type on the review screen: the titles with
    their diacritics, as in the reference reading of the same scan. Numbers, units and
    timelines stay exactly as the importer read them."""
    by_no = {t["no"]: t for t in reference["tasks"]}
    parsed.document.title = reference["document"]["title"]
    for task in parsed.tasks:
        if task.no in by_no:
            task.title = by_no[task.no]["title"]
            task.content = list(by_no[task.no].get("content", task.content))


@loader(order=20)
def load_plan() -> str:
    reference = seed.reference_plan()
    number = reference["document"]["number"]
    plan = Plan.objects.filter(number=number, year=reference["document"]["year"]).first()
    if plan is not None:
        return f"Kế hoạch {number}: đã có."
    extracted = importer.extract_text(OCR_FILE)
    parsed = importer.parse(extracted.text, imports.unit_refs())
    _apply_reviewers_corrections(parsed, reference)
    owner = Unit.objects.filter(code=reference["organization"][0]["unit"]).first()
    plan = services.save_parsed_plan(parsed, source_path=OCR_FILE, owner_unit=owner)
    services.load_reference_events(plan, reference.get("anniversaries_2025", []))
    users = {u.username: u for u in get_user_model().objects.filter(username__in={u[2] for u in UPDATES})}
    for no, unit_code, username, day, text, progress in UPDATES:
        task = Task.objects.filter(plan=plan, no=no).first()
        if task is None or username not in users:
            continue
        ProgressUpdate.objects.create(task=task, unit=Unit.objects.get(code=unit_code), author=users[username],
                                      date=day, text=text)
        Task.objects.filter(pk=task.pk).update(status=Task.Status.IN_PROGRESS, progress=progress)
    return f"Kế hoạch {number}: đã nhập {plan.tasks.count()} nhiệm vụ từ bản OCR."
