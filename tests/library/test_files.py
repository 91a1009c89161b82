"""The files of library items, served by their direct address only to those who may see the
item: the public gets the files of live public items; an internal or restricted item's files
answer 404 to the public and to staff of another unit, 200 to permitted staff; a removed
item's files answer 404 to everyone. Byte ranges for video, sandboxed HTML, conditional
requests."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from doingoai.core.models import Role
from doingoai.library.models import Access, Item

from .test_catalogue_fixtures import attach, item_fields, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def url(item_file) -> str:
    return reverse("library_file", args=[item_file.pk, item_file.name])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def public_pdf():
    item = Item.objects.create(**item_fields(title="Châu bản triều Nguyễn về Hoàng Sa"))
    return attach(item, "chau-ban-hoang-sa.pdf", pdf_bytes(), "application/pdf")


def test_a_public_items_pdf_is_served_inline_to_anyone(client, public_pdf):
    response = client.get(url(public_pdf))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # the item page frames it
    assert "Content-Security-Policy" not in response
    assert response["ETag"] == f'"{public_pdf.sha256}"'
    assert response["Cache-Control"].startswith("public")
    assert body(response) == pdf_bytes()


def test_a_wrong_name_or_number_is_not_found(client, public_pdf):
    assert client.get(reverse("library_file", args=[public_pdf.pk, "khac.pdf"])).status_code == 404
    assert client.get(reverse("library_file", args=[public_pdf.pk + 1000, public_pdf.name])).status_code == 404


@pytest.mark.parametrize("state", [{"live": False}, {"access": Access.INTERNAL}, {"access": Access.RESTRICTED}])
def test_files_of_non_public_items_are_not_found_by_the_public(client, state):
    item = Item.objects.create(**item_fields(title="Hồ sơ nội bộ về đảo Bạch Long Vĩ", **state))
    item_file = attach(item, "ho-so.pdf", pdf_bytes(), "application/pdf")
    assert client.get(url(item_file)).status_code == 404


def test_an_internal_items_file_is_served_to_staff_privately(client, signed_in, make_person):
    item = Item.objects.create(**item_fields(access=Access.INTERNAL))
    item_file = attach(item, "noi-bo.pdf", pdf_bytes(), "application/pdf")
    staff = signed_in(make_person(Role.CHUYEN_VIEN, "TTBCXB"))
    response = staff.get(url(item_file))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"


def test_a_restricted_items_file_is_served_to_its_units_only(client, signed_in, make_person, units):
    item = Item.objects.create(**item_fields(access=Access.RESTRICTED, owner_unit=units["TTTT"]))
    item.restricted_units.add(units["TTS"])
    item_file = attach(item, "han-che.pdf", pdf_bytes(), "application/pdf")
    outsider = make_person(Role.CHUYEN_VIEN, "TTBCXB")
    inspector = make_person(Role.THANH_TRA_VIEN, "TTS")
    owner = make_person(Role.BIEN_TAP_VIEN, "TTTT")

    assert signed_in(outsider).get(url(item_file)).status_code == 404
    assert signed_in(inspector).get(url(item_file)).status_code == 200
    assert signed_in(owner).get(url(item_file)).status_code == 200


def test_a_removed_items_files_are_gone_for_everyone(client, signed_in, make_person, public_pdf):
    item = public_pdf.item
    item.removed_at = timezone.now()
    item.save()
    assert client.get(url(public_pdf)).status_code == 404
    leader = make_person(Role.LANH_DAO, "BGD")
    assert signed_in(leader).get(url(public_pdf)).status_code == 404


def test_a_byte_range_is_answered_with_206(client):
    item = Item.objects.create(**item_fields(kind="video"))
    data = bytes(range(256)) * 40
    video = attach(item, "phim-tu-lieu.mp4", data, "video/mp4")

    response = client.get(url(video), HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert response["Content-Length"] == "100"
    assert body(response) == data[100:200]
    assert response["Accept-Ranges"] == "bytes"

    response = client.get(url(video), HTTP_RANGE="bytes=10000-")
    assert response.status_code == 206 and body(response) == data[10000:]
    response = client.get(url(video), HTTP_RANGE="bytes=-16")
    assert response.status_code == 206 and body(response) == data[-16:]
    response = client.get(url(video), HTTP_RANGE=f"bytes={len(data)}-")
    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{len(data)}"
    # Several ranges, or a file changed since (If-Range): the whole file.
    assert client.get(url(video), HTTP_RANGE="bytes=0-1,5-6").status_code == 200
    assert client.get(url(video), HTTP_RANGE="bytes=0-1", HTTP_IF_RANGE='"khac"').status_code == 200


def test_html_and_svg_never_run_in_the_sites_origin(client):
    item = Item.objects.create(**item_fields(kind="article"))
    page = attach(item, "bai-bao.html", b"<script>alert(1)</script>", "text/html")
    drawing = attach(item, "so-do.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "image/svg+xml")
    for item_file in (page, drawing):
        response = client.get(url(item_file))
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == "sandbox"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"


def test_an_unchanged_file_is_not_sent_again(client):
    item = Item.objects.create(**item_fields(kind="image"))
    image = attach(item, "hai-dang.png", png_bytes(), "image/png")
    response = client.get(url(image), HTTP_IF_NONE_MATCH=f'"{image.sha256}"')
    assert response.status_code == 304
    assert client.get(url(image))["Content-Disposition"].startswith("inline")
