"""The morning of a press specialist, in a real browser: she searches the press without
diacritics, corrects a label on an article, then prepares this morning's digest, drops an
item and sends it; the leader receives it and it is archived."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from doingoai.core.models import Role
from doingoai.monitoring.models import Article, Digest, LabelCorrection, Source
from doingoai.monitoring.pipeline.ingest import Incoming, ingest
from tests.e2e.test_plans import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def press(db):
    local = Source.objects.create(name="Báo Hải Phòng", kind=Source.Kind.LOCAL, country="VN", language="vi")
    national = Source.objects.create(name="Báo Nhân Dân", kind=Source.Kind.NATIONAL, country="VN", language="vi")
    now = timezone.now()
    ingest([
        Incoming(url="https://baohaiphong.vn/doi-ngoai-cat-ba.html", source=local,
                 published=now - datetime.timedelta(hours=3),
                 title="Hải Phòng đẩy mạnh thông tin đối ngoại về quần đảo Cát Bà",
                 text=("Thành phố Hải Phòng đẩy mạnh công tác thông tin đối ngoại, quảng bá hình ảnh quần đảo Cát Bà "
                       "và vịnh Lan Hạ tới bạn bè quốc tế. Nhiều đoàn phóng viên nước ngoài đã đến tìm hiểu.")),
        Incoming(url="https://nhandan.vn/ngap-ung-hai-phong.html", source=national,
                 published=now - datetime.timedelta(hours=5),
                 title="Mưa lớn gây ngập úng nhiều tuyến phố nội thành Hải Phòng",
                 text=("Mưa lớn kéo dài khiến nhiều tuyến phố nội thành Hải Phòng ngập sâu, giao thông ùn tắc, "
                       "người dân bức xúc vì hệ thống thoát nước xuống cấp, nhiều hộ dân bị thiệt hại.")),
    ])


def test_a_specialist_searches_corrects_a_label_and_sends_the_digest(live_server, page, press, make_person):
    make_person(Role.CHUYEN_VIEN, "TTBCXB", username="chuyenvien")
    make_person(Role.LANH_DAO, "BGD", username="lanhdao")
    base = live_server.url
    sign_in(page, base, "chuyenvien")

    # The statistics draw their charts (Chart.js, from the page's data).
    page.goto(f"{base}/admin/bao-chi/thong-ke/")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-ngay')) !== undefined")

    # Search typed without diacritics finds the article with them, highlighted.
    page.goto(f"{base}/admin/bao-chi/tim-kiem/?q=doi+ngoai")
    expect(page.locator("[data-total]")).to_have_text("1")
    expect(page.locator(".doingoai-hits mark").first).to_be_visible()
    page.get_by_role("link", name="Xem bài").first.click()
    expect(page.get_by_role("heading", name=re.compile("thông tin đối ngoại về quần đảo Cát Bà"))).to_be_visible()

    # She sets the sentiment to neutral; the page says so and the correction is kept.
    page.get_by_label("Sắc thái").select_option("neutral")
    page.get_by_role("button", name="Lưu hiệu chỉnh").click()
    expect(page.locator("[data-label=sentiment]")).to_have_text("Trung lập")
    article = Article.objects.get(url__contains="doi-ngoai-cat-ba")
    assert LabelCorrection.objects.filter(article=article, field="sentiment", value="neutral").exists()

    # This morning's digest: compiled, the flooding item dropped, sent.
    page.goto(f"{base}/admin/bao-chi/diem-bao/")
    page.get_by_role("button", name="Soạn điểm báo hôm nay").click()
    expect(page.get_by_text("Mưa lớn gây ngập úng").first).to_be_visible()
    expect(page.get_by_text("[Tiêu cực]").first).to_be_visible()
    page.get_by_role("link", name="Sửa", exact=True).click()
    digest = Digest.objects.get()
    flood = digest.items.get(title__contains="ngập úng")
    page.locator(f"tr[data-item='{flood.pk}'] input[type=checkbox][name$='included']").uncheck()
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.locator("[data-status=sent]")).to_be_visible()

    digest.refresh_from_db()
    assert digest.status == Digest.Status.SENT and digest.docx and digest.pdf
    (message,) = mail.outbox
    assert "lanhdao@doingoai.invalid" in message.to + message.bcc + message.cc
    html = message.alternatives[0][0]
    assert "Cát Bà" in html and "ngập úng" not in html

    # Archived and found again without diacritics.
    page.goto(f"{base}/admin/bao-chi/diem-bao/?q=cat+ba")
    expect(page.locator(f"tr[data-digest='{digest.pk}']")).to_be_visible()
    page.goto(f"{base}/admin/bao-chi/diem-bao/?q=bach+long+vi")
    expect(page.get_by_text("Không có điểm báo nào.")).to_be_visible()
