"""Uploads: "Tải lên tài liệu" sends each file on its own request; a good file becomes a draft
item with the batch's collection, access level and OCR languages, a refused file (a MẬT
document) gets its Vietnamese message while the rest of the batch goes on, an oversized
upload is refused from its announced length before anything is read, and the page polls a
small JSON status of the processing."""

from __future__ import annotations

import json

import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from doingoai.core.models import AuditEntry, Role
from doingoai.library import (
    publishing,
    wagtail_hooks,  # noqa: F401
)
from doingoai.library.models import Access, Collection, Item, ItemFile, ProcessingState


def pdf(html: str) -> bytes:
    return weasyprint.HTML(string=html).write_pdf()


GOOD = ("<h1>Chủ quyền biển, đảo Việt Nam</h1><p>Huyện đảo Bạch Long Vĩ thuộc thành phố Hải Phòng "
        "là đảo tiền tiêu giữa vịnh Bắc Bộ.</p>")
SECRET = "<p>MẬT</p><p>Báo cáo tình hình tuần tra trên biển</p>"


@pytest.fixture
def sea(db):
    return Collection.objects.create(name="Biển, đảo", slug="bien-dao", order=1)


@pytest.fixture
def uploader(make_person, units):
    publishing.ensure_workflow()
    return make_person(Role.CHUYEN_VIEN, "TTTT", username="chuyenvien")


def send(client, name, body, **fields):
    data = {"access": Access.INTERNAL, "languages": ["vie", "eng"], **fields,
            "file": SimpleUploadedFile(name, body, content_type="application/octet-stream")}
    return client.post(reverse("library_upload_file"), data)


def test_a_batch_with_a_good_pdf_and_a_secret_one_gives_one_item_and_one_refusal(
        uploader, sea, client, signed_in):
    signed_in(uploader)
    page = client.get(reverse("library_upload"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tải lên tài liệu" in text and "library/staff/upload.js" in text and 'multiple' in text

    good = send(client, "chu-quyen-bien-dao.pdf", pdf(GOOD), collection=sea.pk)
    secret = send(client, "bao-cao-tuan-tra.pdf", pdf(SECRET), collection=sea.pk)

    assert good.status_code == 200, good.content.decode()
    answer = good.json()
    item = Item.objects.get()
    assert answer["id"] == item.pk and answer["title"] == item.title
    assert answer["edit_url"] == reverse(Item.snippet_viewset.get_url_name("edit"), args=[item.pk])
    assert answer["status_url"] == reverse("library_item_status", args=[item.pk])
    assert not item.live and item.created_by == uploader and item.access == Access.INTERNAL
    assert list(item.collections.all()) == [sea] and item.ocr_languages == "vie+eng"
    assert item.owner_unit.code == "TTTT" and "Bạch Long Vĩ" in item.text
    assert ItemFile.objects.get(item=item).name == "chu-quyen-bien-dao.pdf"

    assert secret.status_code == 400
    message = secret.json()["error"]
    assert "MẬT" in message and "bao-cao-tuan-tra.pdf" in message
    assert Item.objects.count() == 1 and ItemFile.objects.count() == 1

    # The editor of the new item opens.
    assert client.get(answer["edit_url"]).status_code == 200


def test_an_upload_larger_than_the_limit_is_refused_from_its_announced_length(uploader, client, signed_in, settings):
    settings.DOINGOAI_UPLOAD_MAX_MB = 1
    signed_in(uploader)
    big = send(client, "qua-lon.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    assert big.status_code == 413 and big.json() == {"error": "Tệp quá lớn: giới hạn là 1 MB."}

    # Refused before the body is read: the announced length alone decides.
    claimed = client.generic("POST", reverse("library_upload_file"), b"", CONTENT_LENGTH=str(50 * 1024 * 1024),
                             CONTENT_TYPE="multipart/form-data; boundary=x")
    assert claimed.status_code == 413
    assert not Item.objects.exists()


def test_a_file_is_needed_and_a_lying_file_is_refused_with_a_message(uploader, client, signed_in):
    signed_in(uploader)
    empty = client.post(reverse("library_upload_file"), {"access": Access.PUBLIC, "languages": ["vie"]})
    assert empty.status_code == 400 and "Chưa có tệp nào được gửi" in empty.json()["error"]
    lying = send(client, "anh.jpg", pdf(GOOD))
    assert lying.status_code == 400 and lying.json()["error"]
    assert not Item.objects.exists()


def test_the_upload_needs_the_csrf_token(uploader, signed_in):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(uploader)
    response = strict.post(reverse("library_upload_file"), {
        "access": Access.PUBLIC, "languages": ["vie"], "file": SimpleUploadedFile("a.pdf", pdf(GOOD))})
    assert response.status_code == 403 and not Item.objects.exists()


def test_people_without_the_right_cannot_upload(make_person, units, client, signed_in):
    publishing.ensure_workflow()
    outsider = make_person(Role.QUAN_TRI, "VPS", username="quantri")
    signed_in(outsider)
    assert client.get(reverse("library_upload")).status_code == 403
    response = send(client, "a.pdf", pdf(GOOD))
    assert response.status_code == 403 and not Item.objects.exists()


def test_the_status_of_the_processing_as_json(uploader, make_person, units, client, signed_in):
    signed_in(uploader)
    item = Item.objects.create(title="Bản quét hải đồ năm 1936", live=False, processing=ProcessingState.RUNNING, progress=40)
    status = client.get(reverse("library_item_status", args=[item.pk])).json()
    assert status == {"id": item.pk, "title": "Bản quét hải đồ năm 1936", "processing": "running",
                      "label": "Đang nhận dạng chữ", "progress": 40, "error": "", "done": False}

    Item.objects.filter(pk=item.pk).update(processing=ProcessingState.FAILED,
                                           processing_error="Không nhận dạng được trang 2.")
    status = json.loads(client.get(reverse("library_item_status", args=[item.pk])).content)
    assert status["done"] is True and status["error"] == "Không nhận dạng được trang 2."

    # An item restricted to other units is not shown.
    hidden = Item.objects.create(title="Tài liệu hạn chế", live=False, access=Access.RESTRICTED, owner_unit=units["TTS"])
    assert client.get(reverse("library_item_status", args=[hidden.pk])).status_code == 404
    assert AuditEntry.objects.filter(action="library.ingested").count() == 0
