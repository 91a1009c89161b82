"""The public report form at /phan-anh/: anyone, without signing in, sends an address and a
description and gets a receipt number; the same address joins the open case; a few reports an
hour per network address; robots filling the hidden field are turned away."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doingoai.cases.models import Case, Origin, PublicReport, Step

FORM = reverse("cases_public_report")


def report(client, url="https://tinmoi24h.net/hai-phong-ngap.html", description="Bài viết nói cả thành phố ngập sâu 2 mét, "
           "không đúng sự thật.", contact="", addr="203.0.113.10", **extra):
    return client.post(FORM, {"url": url, "description": description, "contact": contact, "website": "", **extra},
                       REMOTE_ADDR=addr)


def test_the_form_is_public_and_in_vietnamese(client, db):
    response = client.get(FORM)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Phản ánh thông tin sai sự thật" in body and "Gửi phản ánh" in body
    assert "csrfmiddlewaretoken" in body


def test_the_form_needs_its_csrf_token(db):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(FORM, {"url": "https://example.vn/a", "description": "Tin sai"})
    assert response.status_code == 403 and not PublicReport.objects.exists()


def test_a_report_gives_a_receipt_and_opens_a_case(client, units):
    response = report(client, contact="nguoidan@example.vn")
    created = PublicReport.objects.get()
    year = timezone.localdate().year
    assert created.receipt == f"PA-{year}-000001"
    assert response.status_code == 302 and response["Location"] == reverse("cases_public_receipt", args=[created.receipt])
    body = client.get(response["Location"]).content.decode()
    assert f"PA-{year}-000001" in body and "Đã tiếp nhận" in body
    assert "nguoidan@example.vn" not in body and "hai-phong-ngap" not in body  # the receipt shows no details
    case = created.case
    assert case.origin == Origin.PUBLIC and case.owner_unit.code == "TTS" and created.contact == "nguoidan@example.vn"


def test_the_receipt_follows_the_case(client, units):
    report(client)
    created = PublicReport.objects.get()
    Case.objects.filter(pk=created.case_id).update(step=Step.VERIFYING)
    assert "Đang xử lý" in client.get(reverse("cases_public_receipt", args=[created.receipt])).content.decode()
    Case.objects.filter(pk=created.case_id).update(step=Step.CLOSED)
    assert "Đã xử lý xong" in client.get(reverse("cases_public_receipt", args=[created.receipt])).content.decode()
    assert client.get(reverse("cases_public_receipt", args=["PA-2020-999999"])).status_code == 404


def test_the_same_address_reported_again_joins_the_open_case(client, units):
    report(client, addr="203.0.113.10")
    report(client, url="https://www.tinmoi24h.net/hai-phong-ngap.html?utm_source=zalo", addr="198.51.100.20",
           description="Tôi cũng đọc được tin này trên Zalo.")
    assert PublicReport.objects.count() == 2 and Case.objects.count() == 1
    first, second = PublicReport.objects.order_by("received_at", "pk")
    assert first.receipt != second.receipt and first.case_id == second.case_id


def test_a_sixth_report_in_the_hour_from_one_address_is_refused(client, units, settings):
    assert settings.DOINGOAI_REPORTS_PER_HOUR == 5
    for n in range(5):
        assert report(client, url=f"https://example.vn/tin-{n}").status_code == 302
    response = report(client, url="https://example.vn/tin-6", description="Phản ánh thứ sáu, nội dung vẫn giữ")
    body = response.content.decode()
    assert response.status_code == 429
    assert "đã gửi 5 phản ánh trong một giờ qua" in body and "Phản ánh thứ sáu, nội dung vẫn giữ" in body
    assert PublicReport.objects.count() == 5
    assert report(client, url="https://example.vn/tin-7", addr="198.51.100.30").status_code == 302  # someone else


def test_the_limit_counts_only_the_last_hour(client, units):
    for n in range(5):
        report(client, url=f"https://example.vn/cu-{n}")
    PublicReport.objects.update(received_at=timezone.now() - datetime.timedelta(minutes=61))
    assert report(client, url="https://example.vn/moi").status_code == 302


def test_the_sender_address_is_kept_only_as_a_salted_hash(client, units):
    report(client, addr="203.0.113.10")
    key = PublicReport.objects.get().client_key
    assert len(key) == 64 and "203.0.113.10" not in key
    import hashlib

    assert key != hashlib.sha256(b"203.0.113.10").hexdigest()


def test_a_robot_filling_the_hidden_field_is_turned_away(client, units):
    response = report(client, website="http://spam.example/")
    assert response.status_code == 400 and "Không tiếp nhận được phản ánh này" in response.content.decode()
    assert not PublicReport.objects.exists() and not Case.objects.exists()


@pytest.mark.parametrize("bad", ["tinmoi24h.net/bai-viet", "ftp://example.vn/tep", "http://"])
def test_a_malformed_address_is_explained_and_the_text_kept(client, units, bad):
    response = report(client, url=bad, description="Mô tả đã nhập không mất")
    body = response.content.decode()
    assert response.status_code == 400
    assert "không hợp lệ" in body and "https://" in body and "Mô tả đã nhập không mất" in body
    assert not PublicReport.objects.exists()


def test_missing_fields_and_a_bad_email_get_vietnamese_messages(client, units):
    body = client.post(FORM, {"url": "", "description": "", "contact": "khong-phai-email"}).content.decode()
    assert "Xin nhập địa chỉ (URL) của thông tin." in body
    assert "Xin mô tả thông tin anh/chị phản ánh." in body
    assert "Địa chỉ thư điện tử không hợp lệ." in body


def test_the_home_page_links_to_the_form(client, db):
    body = client.get(reverse("public_home")).content.decode()
    assert f'href="{FORM}"' in body and "Phản ánh thông tin sai sự thật" in body
