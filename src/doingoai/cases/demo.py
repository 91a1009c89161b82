"""Demo of the cases app for ``make run``: the reference data (legal bases, statutory clock
rules, public holidays, the argument library, the clarification workflow) and a few cases and
letters in different states, made through the same services the screens use — a negative
story from the monitoring sample under verification with a takedown request running, a report
from the public form just received, a false rumour decided by the leader (signed decision,
takedown request with its 24-hour clock, published clarification), a complaint being verified
and a denunciation concluded.

Addresses outside the monitoring sample use the reserved ``.example`` domain: the demo has no
internet, so their evidence captures end with the fetcher's message, as they would offline."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from doingoai.core.demo import loader
from doingoai.core.models import Unit
from doingoai.monitoring.models import Article

from . import clocks, complaints, rebuttals, seed, services, takedowns
from .models import Action, Case, Classification, Complaint, ComplaintKind, LegalBasis, Step

RUMOUR_URL = "https://tin-nong-24h.example/cat-ba-cam-du-khach-vi-dich-benh"


def _people() -> dict:
    found = {u.username: u for u in get_user_model().objects.filter(
        username__in=["lanhdao", "thanhtra", "chuyenvien", "kiemduyet"])}
    return found if len(found) == 4 else {}


def _walk(case: Case, user, steps: list[str], unit: Unit, person=None, days: int = 3) -> None:
    for step in steps:
        due = timezone.now() + datetime.timedelta(days=days) if step != Step.CLOSED else None
        services.move(case, user, step, unit=unit, person=person, due=due,
                      note="Chuyển bước theo kế hoạch xử lý." if step != Step.CLOSED else "Kết thúc theo dõi.")


@loader(order=40)
def load_cases() -> str:
    loaded = seed.load_all()
    reference = (f"{loaded['legal_bases'][0]} căn cứ pháp lý, {loaded['clock_rules'][0]} quy định thời hạn, "
                 f"{loaded['holidays'][0]} ngày nghỉ lễ, {loaded['arguments'][0]} tư liệu mới")
    rebuttals.ensure_workflow()
    people = _people()
    if not people:
        return "Xử lý thông tin: bỏ qua dữ liệu mẫu (thiếu người dùng mẫu)."
    if Case.objects.exists():
        return f"Xử lý thông tin: {reference}; vụ việc mẫu đã có."
    leader, inspector, specialist = people["lanhdao"], people["thanhtra"], people["chuyenvien"]
    tts = Unit.objects.get(code="TTS")
    made = []

    # 1. A negative story from the monitoring sample, opened in one click and being verified.
    article = (Article.objects.filter(relevant=True, sentiment="negative").order_by("-published_at").first())
    if article is not None:
        case, _ = services.open_from_article(specialist, article)
        _walk(case, specialist, [Step.CLASSIFYING], tts, person=inspector)  # handed to the inspectorate
        services.classify(case, inspector, Classification.DISTORTED,
                          "Bài viết đưa số liệu không đúng với thông cáo của thành phố.")
        _walk(case, inspector, [Step.VERIFYING], tts, person=inspector)
        made.append(case)

    # 2. A report from the public form, just received.
    report = services.submit_report(
        url=RUMOUR_URL, address="203.0.113.7",
        description="Trang này đăng tin Cát Bà cấm du khách vì dịch bệnh, trong khi tôi vừa đi Cát Bà về.")
    made.append(report.case)

    # 3. A false rumour, decided by the leader: takedown requested, clarified in public.
    case, _ = services.open_from_url(
        inspector, "https://dien-dan-mang.example/cau-hoang-van-thu-sap",
        title="Tin đồn cầu Hoàng Văn Thụ bị sập",
        claim="Cầu Hoàng Văn Thụ ở Hải Phòng bị sập sau mưa lớn, cấm lưu thông.")
    services.classify(case, inspector, Classification.FALSE, "Cầu vẫn lưu thông bình thường (đã xác minh tại hiện trường).")
    _walk(case, inspector, [Step.CLASSIFYING, Step.VERIFYING, Step.PROPOSING, Step.DECIDING], tts, person=inspector)
    bases = [b.pk for b in LegalBasis.objects.filter(active=True) if Action.TAKEDOWN in b.actions][:1]
    services.decide(case, leader, Action.TAKEDOWN, bases,
                    "Thông tin sai sự thật gây hoang mang; yêu cầu gỡ bỏ và đăng bài làm rõ.")
    _walk(case, inspector, [Step.EXECUTING], tts, person=inspector)
    request = takedowns.create(case, inspector, "Ban quản trị diễn đàn dien-dan-mang.example",
                               "https://dien-dan-mang.example/cau-hoang-van-thu-sap",
                               legal_basis=LegalBasis.objects.filter(pk__in=bases).first())
    takedowns.send(request, inspector)
    clarification = rebuttals.draft_from_case(case, inspector)
    clarification.body = ("<p>Cầu Hoàng Văn Thụ vẫn lưu thông bình thường. Sở Giao thông vận tải thành phố "
                          "khẳng định không có sự cố nào về kết cấu cầu.</p>")
    clarification.summary = "Cầu Hoàng Văn Thụ không bị sập; thông tin lan truyền là sai sự thật."
    clarification.save_revision(user=leader).publish(user=leader)
    made.append(case)

    # 4. A complaint under verification, assigned to the inspector.
    complaint = complaints.receive(
        inspector, kind=ComplaintKind.COMPLAINT, received_at=timezone.now() - datetime.timedelta(days=12),
        complainant_name="Trần Văn Bình", complainant_address="phường Lê Chân, thành phố Hải Phòng",
        complainant_contact="", subject="Khiếu nại việc từ chối cấp phép họp báo",
        content="Tôi khiếu nại việc Sở từ chối cấp phép tổ chức họp báo giới thiệu sản phẩm du lịch biển đảo.",
        themes=[])
    complaints.accept(complaint, leader, "Đơn đủ điều kiện thụ lý.", Complaint.Complexity.NORMAL,
                      at=timezone.now() - datetime.timedelta(days=5))
    complaints.assign(complaint, leader, [inspector])
    complaints.start_verification(complaint, inspector)

    # 5. A denunciation concluded, with its conclusion document.
    denunciation = complaints.receive(
        inspector, kind=ComplaintKind.DENUNCIATION, received_at=timezone.now() - datetime.timedelta(days=40),
        complainant_name="Nguyễn Thị Hoa", complainant_address="xã Cát Hải, thành phố Hải Phòng",
        complainant_contact="", subject="Tố cáo trang tin đăng lại bài khi chưa được phép",
        content="Trang tin điện tử tổng hợp của một công ty đăng lại nhiều bài của báo địa phương khi chưa có thỏa thuận.",
        themes=[])
    complaints.accept(denunciation, leader, "Thụ lý tố cáo.", Complaint.Complexity.NORMAL,
                      at=timezone.now() - datetime.timedelta(days=35))
    complaints.assign(denunciation, leader, [inspector])
    complaints.record_verification(denunciation, inspector, "Đã làm việc với công ty; công ty thừa nhận và gỡ bài.")
    complaints.conclude(denunciation, inspector, "Nội dung tố cáo là đúng. Đề nghị nhắc nhở công ty, công ty đã gỡ các bài vi phạm.")
    running = clocks.board()
    return (f"Xử lý thông tin: {reference}; {len(made)} vụ việc mẫu, 2 đơn khiếu nại, tố cáo; "
            f"{len(running)} thời hạn đang tính.")
