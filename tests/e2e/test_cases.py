"""False information and complaints, in a real browser (Vietnamese UI), as a Thanh tra viên
and as a Lãnh đạo Sở:

1. a negative story about Hải Phòng, found by the press monitoring, becomes a case; its page is
   captured as evidence (HTML, text and screenshot, each with its SHA-256); the case goes through
   the steps with their units, people and due dates; the leader decides (a second decision is
   refused); a takedown request is sent and its 24-hour clock runs; a clarification is drafted,
   approved through the workflow and published with valid ClaimReview markup; the period report
   counts the case;
2. a complaint is registered, accepted, assigned, verified and concluded; its conclusion
   downloads as DOCX, and the register never shows who wrote it.

Every site is local (tests/monitoring/servers.py); background
jobs are not run by a worker in tests (the database task backend only queues them), so the test
runs the evidence capture itself, as the worker would, after the browser opened the case.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
import time

import docx
import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from doingoai.cases import claimreview, evidence, rebuttals
from doingoai.cases import seed as cases_seed
from doingoai.cases.models import Capture, Case, Clarification, Complaint, Decision, TakedownRequest
from doingoai.core import seed as core_seed
from doingoai.core.models import Role
from doingoai.monitoring.models import Source
from doingoai.monitoring.pipeline.ingest import Incoming, ingest
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_plans import sign_in
from tests.monitoring.servers import NewsArticle, Reply, article_html, serve

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEX64 = re.compile(r"^[0-9a-f]{64}$")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

STORY = NewsArticle(
    path="/thoi-su/tin-don-cang-lach-huyen-dong-cua.html",
    title="Tin đồn cảng Lạch Huyện đóng cửa, hàng nghìn công nhân Hải Phòng mất việc",
    paragraphs=[
        "Một trang tin lan truyền thông tin cho rằng cảng Lạch Huyện của Hải Phòng sẽ đóng cửa vĩnh viễn "
        "vì luồng tàu bị bồi lấp nghiêm trọng, hàng nghìn công nhân mất việc, doanh nghiệp thua lỗ nặng nề.",
        "Bài viết gây hoang mang, bức xúc trong dư luận, khiến nhiều người lo lắng về tình trạng kinh tế "
        "thành phố suy thoái.",
    ],
)
DECISION_REASON = ("Bài viết đưa tin sai sự thật về việc cảng Lạch Huyện đóng cửa, gây hoang mang dư luận; "
                   "cần đăng bài cải chính và yêu cầu chủ quản trang tin gỡ bỏ.")
SUMMARY = "Sai sự thật. Cảng Lạch Huyện vẫn hoạt động bình thường, các bến container vẫn đón tàu lớn."
ADDED_PARAGRAPH = "Cảng vụ Hàng hải Hải Phòng khẳng định luồng tàu vẫn được nạo vét định kỳ."
TAKEDOWN_TARGET = "Công ty TNHH Truyền thông Góc Nhìn Phố Cảng (chủ quản trang tin)"
TAKEDOWN_BASIS = "Nghị định 147/2024/NĐ-CP, Quy định về ngăn chặn, gỡ bỏ thông tin vi phạm trên mạng"

NAME = "Phạm Thị Hồng Nhung"
ADDRESS = "Số 12 phố Lạch Tray, phường Lạch Tray, quận Ngô Quyền, Hải Phòng"
CONTACT = "0912 345 678"
SUBJECT = "Khiếu nại việc trang tin Phố Cảng đăng sai thông tin về dự án nhà ở xã hội"
CONTENT = (f"Tôi là {NAME}, trú tại {ADDRESS}. Tôi khiếu nại việc Thanh tra Sở chưa xử lý phản ánh của tôi "
           "về bài viết đăng sai thông tin dự án nhà ở xã hội tại quận Lê Chân.")
VERIFICATION = "Đã làm việc với đại diện trang tin Phố Cảng; bài viết đã được gỡ bỏ ngày 03/3."
CONCLUSION = "Khiếu nại là đúng một phần: Thanh tra Sở đã xử lý phản ánh nhưng chưa trả lời người khiếu nại."


# --- helpers ---------------------------------------------------------------------------------

@pytest.fixture
def new_page(browser, request):
    """new_page() → a page in a browser context of its own (another person, or nobody signed
    in), with the settings of the ``page`` fixture; closed (and pictured on failure) at the end."""
    contexts = []

    def make():
        context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                      viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for n, context in enumerate(contexts, 1):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for m, other in enumerate(context.pages, 1):
                other.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{n}-{m}.png"), full_page=True)
        context.close()


@pytest.fixture
def reference_data(units):
    core_seed.load_organisation()  # the department: ClaimReview's author, the documents' issuer
    cases_seed.load_all()  # legal bases, clock rules, holidays, the argument library
    rebuttals.ensure_workflow()


def sign_in_leader(page, base, username, device):
    """A leader signs in with her password, then the code of her authenticator app."""
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/admin/bao-mat/nhap-ma/"))
    # A code is accepted once: a second sign-in in the same 30-second step waits for the next.
    device.refresh_from_db()
    while device.last_t >= int(time.time()) // device.step:
        time.sleep(0.5)
    code = page.get_by_label("Mã xác thực 6 chữ số")
    code.fill(f"{totp(device.bin_key):06d}")
    page.locator("form").filter(has=code).get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"{base}/admin/")


def leader_with_device(make_person):
    leader = make_person(Role.LANH_DAO, "BGD", username="lanhdao")
    return leader, TOTPDevice.objects.create(user=leader, name="Điện thoại", confirmed=True)


def person_label(user, unit_code: str) -> str:
    return f"{user.get_full_name()} ({unit_code})"


def move(page, step: str, unit: str, person: str, due: datetime.datetime):
    """The form "Chuyển bước" of the case page. The due date is a datetime-local input: the
    browser shows it as dd/mm/yyyy hh:mm, Playwright fills it in its ISO value."""
    form = page.locator("section[data-form=move]")
    form.get_by_label("Chuyển sang bước").select_option(label=step)
    form.get_by_label("Đơn vị phụ trách").select_option(label=unit)
    form.get_by_label("Người phụ trách").select_option(label=person)
    form.get_by_label("Hạn xử lý").fill(due.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="Chuyển", exact=True).click()
    expect(page.get_by_text(f"Đã chuyển vụ việc sang bước “{step}”.")).to_be_visible()
    expect(page.locator("[data-facts] [data-step]")).to_contain_text(f"{step} – hạn {due:%d/%m/%Y %H:%M}")


def workflow_action(page, name: str):
    """Click an action of the editor's footer menu (opening its dropdown when needed) and wait
    for the page the form's POST leads to."""
    footer = page.locator("footer.footer")
    button = footer.get_by_role("button", name=name, exact=True)
    if not button.is_visible():
        footer.get_by_role("button", name="Thao tác khác").click()
    with page.expect_navigation():
        button.click()


def fill_decision(page):
    form = page.locator("section[data-form=decide]")
    form.get_by_label("Hình thức xử lý").select_option(label="Cải chính, làm rõ thông tin")
    form.get_by_label(re.compile(r"Luật An ninh mạng 2018.*Điều 16")).check()
    form.get_by_label("Lý do").fill(DECISION_REASON)
    return form


# --- 1. from a negative story to a published clarification ----------------------------------

@pytest.fixture
def local_story(settings, tmp_path):
    """The outlet's page on a local HTTP server, and the article as the monitoring stored it."""
    settings.DATA_DIR = tmp_path / "du-lieu"  # evidence files of this test only
    settings.DOINGOAI_FETCH_ALLOW_LOOPBACK = True  # the "outlet" is this machine
    with serve({STORY.path: Reply(body=article_html(STORY))}) as site:
        outlet = Source.objects.create(name="Trang tin Góc Nhìn Phố Cảng", kind=Source.Kind.NATIONAL,
                                       homepage=site.url("/"), country="VN", language="vi")
        (outcome,) = ingest([Incoming(url=site.url(STORY.path), title=STORY.title,
                                      text="\n\n".join(STORY.paragraphs), source=outlet,
                                      published=timezone.now() - datetime.timedelta(hours=3))])
        yield site, outcome.article


def test_a_negative_story_becomes_a_case_and_ends_in_a_published_clarification(
        live_server, page, new_page, reference_data, local_story, make_person):
    site, article = local_story
    inspector = make_person(Role.THANH_TRA_VIEN, "TTS", username="thanhtra")
    leader, device = leader_with_device(make_person)
    make_person(Role.KIEM_DUYET_VIEN, "TTBCXB", username="kiemduyet")
    base = live_server.url
    assert article.sentiment == "negative" and article.url == site.url(STORY.path)
    today = timezone.localdate()

    def due(days: int) -> datetime.datetime:
        return datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(17, 0))

    # The inspector reads the negative article in the monitoring and opens a case on it.
    sign_in(page, base, "thanhtra")
    page.goto(base + reverse("monitoring_article", args=[article.pk]))
    expect(page.locator("[data-label=sentiment]")).to_have_text("Tiêu cực")
    page.get_by_role("button", name="Mở vụ việc").click()
    page.wait_for_url(re.compile(r"/admin/vu-viec/\d+/$"))
    case = Case.objects.get()
    expect(page.locator("[data-number]")).to_have_text(case.number)
    assert re.fullmatch(rf"\d{{2}}/{today.year}/VV", case.number)
    expect(page.get_by_text(f"Đã mở vụ việc {case.number}.")).to_be_visible()
    expect(page.locator("[data-case-title]")).to_have_text(STORY.title)

    # Its evidence: the capture the case requested, run as the worker runs it.
    capture = Capture.objects.get(case_url__case=case)
    expect(page.locator(f"[data-evidence] tr[data-capture='{capture.pk}']")).to_have_attribute(
        "data-status", "pending")
    evidence.capture(capture.pk)
    capture.refresh_from_db()
    assert capture.status == Capture.Status.DONE and site.hits(STORY.path) == 1
    page.reload()
    section = page.locator("section.cases-panel").filter(has=page.get_by_role("heading", name="Chứng cứ"))
    row = section.locator(f"tr[data-capture='{capture.pk}']")
    expect(row).to_have_attribute("data-status", "done")
    expect(row).to_contain_text("Lần thu thập đầu")
    hashes = row.locator("code.hash")
    expect(hashes).to_have_count(3)
    shown = [h.strip() for h in hashes.all_inner_texts()]
    assert all(HEX64.match(h) for h in shown), shown
    assert shown == [capture.html_sha256, capture.text_sha256, capture.screenshot_sha256]
    # The screenshot opens (in a new tab) as a PNG, the very bytes whose hash is shown.
    link = row.get_by_role("link", name="Ảnh chụp")
    with page.expect_popup() as popup_info:
        link.click()
    picture = popup_info.value
    picture.wait_for_load_state()
    assert picture.evaluate("document.contentType") == "image/png"
    picture.close()
    png = page.request.get(base + link.get_attribute("href"))
    assert png.ok and png.body().startswith(PNG_MAGIC)
    assert hashlib.sha256(png.body()).hexdigest() == shown[2]

    # Classified, then moved step by step, each step with its unit, person and due date.
    page.locator("section[data-form=classify]").get_by_label("Phân loại").select_option(
        label="Thông tin sai sự thật")
    page.get_by_role("button", name="Lưu phân loại").click()
    expect(page.get_by_text("Đã phân loại vụ việc.")).to_be_visible()
    expect(page.locator("[data-classification]")).to_have_text("Thông tin sai sự thật")
    me = person_label(inspector, "TTS")
    move(page, "Phân loại", "Thanh tra Sở", me, due(1))
    move(page, "Xác minh", "Thanh tra Sở", me, due(3))
    move(page, "Đề xuất xử lý", "Thanh tra Sở", me, due(4))
    move(page, "Quyết định", "Ban Giám đốc Sở", person_label(leader, "BGD"), due(5))
    history = page.locator("[data-history] tbody tr")
    expect(history).to_have_count(5)
    expect(history.nth(4)).to_contain_text(f"{due(5):%d/%m/%Y %H:%M}")

    # The leader (password and code) decides, in one of two tabs open on the case.
    leader_page = new_page()
    sign_in_leader(leader_page, base, "lanhdao", device)
    case_url = base + reverse("cases_case", args=[case.pk])
    leader_page.goto(case_url)
    other_tab = leader_page.context.new_page()
    other_tab.goto(case_url)
    fill_decision(leader_page).get_by_role("button", name="Ký quyết định").click()
    expect(leader_page.get_by_text("Đã ghi quyết định xử lý và ký vào nhật ký kiểm toán.")).to_be_visible()
    expect(leader_page.locator("[data-decision]")).to_contain_text("Cải chính, làm rõ thông tin")
    expect(leader_page.locator("[data-decision]")).to_contain_text("Luật An ninh mạng 2018")
    expect(leader_page.locator("[data-signature]")).to_be_visible()
    # The form still open in the other tab is sent again: refused, in Vietnamese. (A second
    # tab rather than "Back": the page Back shows may be reloaded, and then offers no form.)
    fill_decision(other_tab).get_by_role("button", name="Ký quyết định").click()
    expect(other_tab.get_by_text(re.compile(r"Vụ việc đã có quyết định \(Cải chính, làm rõ thông tin, do .+"
                                            r"; không ghi quyết định thứ hai\.")).first).to_be_visible()
    other_tab.close()
    assert Decision.objects.filter(case=case).count() == 1

    # The inspector carries it out: a takedown request, sent, with its 24-hour clock.
    page.reload()
    move(page, "Thực hiện", "Thanh tra Sở", me, due(7))
    panel = page.locator("[data-takedown-panel]")
    panel.get_by_label("Cơ quan, nền tảng nhận yêu cầu").fill(TAKEDOWN_TARGET)
    panel.get_by_label("Địa chỉ cần gỡ").fill(article.url)
    panel.get_by_label("Căn cứ pháp lý").select_option(label=TAKEDOWN_BASIS)
    panel.get_by_role("button", name="Lập dự thảo").click()
    expect(page.get_by_text(f"Đã lập dự thảo yêu cầu gỡ bỏ gửi «{TAKEDOWN_TARGET}».")).to_be_visible()
    request_row = panel.locator("tr[data-takedown]")
    expect(request_row).to_have_attribute("data-status", "draft")
    request_row.get_by_role("button", name="Ghi nhận đã gửi").click()
    expect(page.get_by_text("thời hạn 24 giờ bắt đầu tính")).to_be_visible()
    expect(request_row).to_have_attribute("data-status", "sent")
    expect(request_row.locator("[data-clock-level]")).to_have_text(re.compile(r"^Còn 2[34] giờ$"))
    expect(panel.locator("[data-clocks] tr[data-clock]")).to_contain_text("Gỡ bỏ thông tin vi phạm theo yêu cầu")
    assert TakedownRequest.objects.get(case=case).status == TakedownRequest.Status.SENT

    # A clarification drafted from the case with an entry of the library, completed in the
    # editor and submitted to the workflow "Duyệt bài cải chính".
    drafts = page.locator("[data-clarification-panel]")
    port = drafts.get_by_label("Cảng cửa ngõ quốc tế Hải Phòng tại khu bến Lạch Huyện")
    if not port.is_visible():  # not of the case's themes: among "Tư liệu khác", folded
        drafts.get_by_text(re.compile(r"^Tư liệu khác")).click()
    port.check()
    drafts.get_by_role("button", name="Soạn bài cải chính").click()
    expect(page.get_by_text("Đã tạo bản nháp bài cải chính từ vụ việc.")).to_be_visible()
    clarification = Clarification.objects.get(case=case)
    edit_url = page.url
    expect(page.get_by_role("textbox", name=re.compile(r"^Tiêu đề"))).to_have_value(f"Làm rõ thông tin: {STORY.title}")
    page.get_by_role("textbox", name=re.compile(r"^Tóm tắt kết luận")).fill(SUMMARY)
    body = page.locator("[data-contentpath=body] [contenteditable=true]")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(ADDED_PARAGRAPH)
    # Draftail writes its content to the form's hidden input a moment after the typing.
    expect(page.locator("input[name=body]")).to_have_value(re.compile(re.escape(ADDED_PARAGRAPH)))
    workflow_action(page, "Gửi tới Duyệt bài cải chính")
    clarification.refresh_from_db()
    assert rebuttals.status(clarification) == ("moderation", "Đang chờ duyệt (Kiểm duyệt)")
    assert clarification.summary == SUMMARY and ADDED_PARAGRAPH in clarification.body
    assert "Cảng cửa ngõ quốc tế Hải Phòng tại khu bến Lạch Huyện" in clarification.body

    # Approved in the browser by the Kiểm duyệt viên, then by the leader, which publishes it.
    reviewer_page = new_page()
    sign_in(reviewer_page, base, "kiemduyet")
    reviewer_page.goto(edit_url)
    workflow_action(reviewer_page, "Phê duyệt")
    clarification.refresh_from_db()
    assert clarification.current_workflow_task.name == "Lãnh đạo duyệt" and not clarification.live
    leader_page.goto(edit_url)
    workflow_action(leader_page, "Phê duyệt và xuất bản")
    clarification.refresh_from_db()
    assert clarification.live and rebuttals.status(clarification) == ("published", "Đã đăng")
    page.goto(case_url)
    expect(page.locator(f"[data-clarification='{clarification.pk}']")).to_have_attribute("data-status", "published")

    # Anybody reads it on the public site, with valid ClaimReview markup.
    reader = new_page()
    reader.goto(f"{base}/cai-chinh/{clarification.slug}/")
    expect(reader.get_by_text(ADDED_PARAGRAPH)).to_be_visible()
    data = json.loads(reader.locator('script[type="application/ld+json"]').text_content())
    assert claimreview.validate(data) == []
    assert data["@type"] == "ClaimReview" and data["url"] == f"{base}/cai-chinh/{clarification.slug}/"
    assert data["reviewRating"]["alternateName"] == "Sai sự thật" and data["reviewRating"]["ratingValue"] == 1
    assert data["itemReviewed"]["appearance"]["url"] == article.url
    assert data["itemReviewed"]["author"]["name"] == "Trang tin Góc Nhìn Phố Cảng"
    assert "Thông tin và Truyền thông" in data["author"]["name"]

    # The period report (a period including today, typed dd/mm/yyyy) counts the case.
    page.goto(base + reverse("cases_reports"))
    page.get_by_label("Từ ngày").fill(f"{today - datetime.timedelta(days=30):%d/%m/%Y}")
    page.get_by_label("Đến ngày").fill(f"{today:%d/%m/%Y}")
    page.get_by_role("button", name="Xem báo cáo").click()
    expect(page.locator("[data-period]")).to_contain_text("1 vụ việc tiếp nhận")
    by_class = page.locator("section[data-table=phan-loai]")
    expect(by_class.locator("tr", has=page.locator("th", has_text="Thông tin sai sự thật")).locator("td")).to_have_text("1")
    by_outcome = page.locator("section[data-table=ket-qua]")
    expect(by_outcome.locator("tr", has=page.locator("th", has_text="Cải chính, làm rõ thông tin")).locator("td")
           ).to_have_text("1")


# --- 2. a complaint, from the register to its conclusion ------------------------------------

def test_a_complaint_runs_to_its_conclusion_document(live_server, page, new_page, reference_data, make_person):
    inspector = make_person(Role.THANH_TRA_VIEN, "TTS", username="thanhtra")
    leader, device = leader_with_device(make_person)
    base = live_server.url
    received = timezone.localtime() - datetime.timedelta(days=1)

    # The inspector registers the letter (the date typed dd/mm/yyyy hh:mm).
    sign_in(page, base, "thanhtra")
    page.goto(base + reverse("cases_complaint_new"))
    form = page.locator("[data-complaint-form]")
    form.get_by_label("Khiếu nại", exact=True).check()
    form.get_by_label("Ngày nhận đơn").fill(f"{received:%d/%m/%Y %H:%M}")
    form.get_by_label("Họ và tên người gửi").fill(NAME)
    form.get_by_label("Địa chỉ", exact=True).fill(ADDRESS)
    form.get_by_label("Điện thoại, thư điện tử").fill(CONTACT)
    form.get_by_label("Nội dung tóm tắt").fill(SUBJECT)
    form.get_by_label("Nội dung đơn").fill(CONTENT)
    form.get_by_label("Văn hóa - xã hội").check()
    form.get_by_role("button", name="Vào sổ").click()
    expect(page.get_by_text(re.compile(r"Đã vào sổ đơn số \d+/KN\."))).to_be_visible()
    complaint = Complaint.objects.get()
    detail_url = base + reverse("cases_complaint", args=[complaint.pk])
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "received")
    expect(page.locator("[data-clocks]")).to_contain_text("Thụ lý khiếu nại")
    expect(page.locator("[data-identity]")).not_to_contain_text(NAME)

    # The leader accepts it and gives it to the inspector.
    leader_page = new_page()
    sign_in_leader(leader_page, base, "lanhdao", device)
    leader_page.goto(detail_url)
    accept = leader_page.locator("[data-step-form=accept]")
    accept.get_by_label("Tính chất vụ việc").select_option("normal")
    accept.get_by_label("Quyết định thụ lý (số, ngày, ghi chú)").fill("Quyết định thụ lý số 15/QĐ-TTS.")
    accept.get_by_role("button", name="Thụ lý", exact=True).click()
    expect(leader_page.get_by_text(f"Đã thụ lý đơn {complaint.number}.")).to_be_visible()
    assign = leader_page.locator("[data-step-form=assign]")
    assign.get_by_label(inspector.get_full_name()).check()
    assign.get_by_role("button", name="Giao", exact=True).click()
    expect(leader_page.get_by_text(f"Đã giao đơn {complaint.number}.")).to_be_visible()
    expect(leader_page.locator("[data-steps] [data-step=assigned]")).to_have_attribute("data-done", "1")

    # The inspector verifies and concludes; the conclusion downloads as DOCX.
    page.goto(detail_url)
    page.get_by_role("button", name="Bắt đầu xác minh").click()
    expect(page.get_by_text(f"Đã bắt đầu xác minh đơn {complaint.number}.")).to_be_visible()
    page.locator("[data-step-form=verification]").get_by_label("Kết quả xác minh").fill(VERIFICATION)
    page.get_by_role("button", name="Lưu kết quả xác minh").click()
    expect(page.get_by_text("Đã lưu kết quả xác minh.")).to_be_visible()
    conclude = page.locator("[data-step-form=conclude]")
    conclude.get_by_label("Nội dung kết luận").fill(CONCLUSION)
    conclude.get_by_role("button", name="Kết luận", exact=True).click()
    expect(page.get_by_text(re.compile(rf"Đã kết luận đơn {re.escape(complaint.number)} \(văn bản số .+/QĐ-TTS\)"))
           ).to_be_visible()
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "concluded")
    expect(page.locator("[data-conclusion]")).to_have_text(CONCLUSION)
    expect(page.locator("[data-clocks] [data-clock-level]").first).to_have_text("Đúng hạn")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CONCLUDED
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải văn bản kết luận (DOCX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as handle:
        document = docx.Document(io.BytesIO(handle.read()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join(cells + [p.text for p in document.paragraphs])
    assert "QUYẾT ĐỊNH" in text and "Giải quyết khiếu nại (lần đầu)" in text
    assert f"Số: {complaint.conclusion_number}" in text
    assert CONCLUSION in text and VERIFICATION in text

    # The register lists the letter, never its sender (for the inspector as for the leader).
    for viewer in (page, leader_page):
        viewer.goto(base + reverse("cases_complaints"))
        row = viewer.locator(f"tr[data-complaint='{complaint.pk}']")
        expect(row).to_contain_text(complaint.number)
        expect(row).to_contain_text(SUBJECT)
        expect(row).to_contain_text("Đã có kết luận")
        html = viewer.content()
        for secret in (NAME, ADDRESS, CONTACT):
            assert secret not in html
