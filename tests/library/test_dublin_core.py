"""The Dublin Core description of an item: the fifteen elements, one value per element, in
order, the same for OAI-PMH, the citation and the item page."""

from __future__ import annotations

import datetime
import unicodedata

import pytest

from doingoai.core import seed
from doingoai.library import dublin_core
from doingoai.library.models import Item, Kind

pytestmark = pytest.mark.django_db


def make_item(**fields) -> Item:
    defaults = {"title": "Quần đảo Hoàng Sa trong tư liệu lịch sử", "live": True, "access": "public"}
    return Item.objects.create(**{**defaults, **fields})


def test_every_element_in_order_with_repeated_elements_one_value_per_line(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://thuvien.haiphong.gov.vn/"
    theme = next(t for t in seed.themes() if t["code"] == "bien-dao")
    item = make_item(
        kind=Kind.BOOK,
        creator="Viện Sử học\n  Nguyễn Văn Thử \n\n",
        subject="Hoàng Sa\nchủ quyền biển đảo",
        description="Tập hợp châu bản triều Nguyễn về Hoàng Sa.\nTái bản lần thứ hai.",
        publisher="Nhà xuất bản Chính trị quốc gia Sự thật",
        contributor="Sở Thông tin và Truyền thông",
        date=datetime.date(2014, 6, 2),
        format="application/pdf",
        identifier="ISBN 978-604-57-0001-2",
        source="Trung tâm Lưu trữ quốc gia I",
        language="vi, EN;zh",
        relation="Châu bản triều Nguyễn, tập 1\nhttps://example.org/chau-ban",
        coverage="Quần đảo Hoàng Sa, 1802–1945",
        rights="© Viện Sử học",
        themes=["bien-dao", "ma-khong-co"],
    )

    assert dublin_core.elements(item) == [
        ("title", "Quần đảo Hoàng Sa trong tư liệu lịch sử"),
        ("creator", "Viện Sử học"),
        ("creator", "Nguyễn Văn Thử"),
        ("subject", "Hoàng Sa"),
        ("subject", "chủ quyền biển đảo"),
        ("subject", theme["vi"]),
        ("description", "Tập hợp châu bản triều Nguyễn về Hoàng Sa.\nTái bản lần thứ hai."),
        ("publisher", "Nhà xuất bản Chính trị quốc gia Sự thật"),
        ("contributor", "Sở Thông tin và Truyền thông"),
        ("date", "2014-06-02"),
        ("type", "Text"),
        ("type", "Sách"),
        ("format", "application/pdf"),
        ("identifier", f"https://thuvien.haiphong.gov.vn/thu-vien/tai-lieu/{item.pk}/"),
        ("identifier", "ISBN 978-604-57-0001-2"),
        ("source", "Trung tâm Lưu trữ quốc gia I"),
        ("language", "vi"),
        ("language", "en"),
        ("language", "zh"),
        ("relation", "Châu bản triều Nguyễn, tập 1"),
        ("relation", "https://example.org/chau-ban"),
        ("coverage", "Quần đảo Hoàng Sa, 1802–1945"),
        ("rights", "© Viện Sử học"),
    ]


def test_empty_elements_are_left_out_and_the_address_is_always_there(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://localhost:8000"
    item = make_item(kind=Kind.MAP, title="Bản đồ đảo Bạch Long Vĩ", language="")

    assert dublin_core.elements(item) == [
        ("title", "Bản đồ đảo Bạch Long Vĩ"),
        ("type", "StillImage"),
        ("type", "Bản đồ"),
        ("identifier", f"http://localhost:8000/thu-vien/tai-lieu/{item.pk}/"),
    ]


def test_each_kind_has_its_dcmi_type():
    assert {kind: dublin_core.dcmi_type(kind) for kind in Kind.values} == {
        "article": "Text", "document": "Text", "book": "Text", "chapter": "Text",
        "image": "StillImage", "map": "StillImage", "video": "MovingImage", "audio": "Sound",
    }


def test_text_typed_with_decomposed_marks_comes_out_composed():
    decomposed = unicodedata.normalize("NFD", "Đảo Cát Bà")
    item = make_item(title=decomposed, subject=decomposed)

    values = dublin_core.grouped(item)

    assert values["title"] == ["Đảo Cát Bà"]
    assert values["subject"] == ["Đảo Cát Bà"]
    assert unicodedata.is_normalized("NFC", values["title"][0])


def test_a_keyword_that_repeats_a_theme_name_is_given_once():
    theme = next(t for t in seed.themes() if t["code"] == "du-lich")
    item = make_item(subject=theme["vi"].upper() + "\nCát Bà", themes=["du-lich"])

    assert dublin_core.grouped(item)["subject"] == [theme["vi"].upper(), "Cát Bà"]


def test_with_a_request_the_address_is_the_one_the_reader_used(rf, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://thuvien.haiphong.gov.vn"
    item = make_item()
    request = rf.get("/", HTTP_HOST="localhost")

    assert dublin_core.public_url(item, request) == f"http://localhost/thu-vien/tai-lieu/{item.pk}/"
    assert dublin_core.public_url(item) == f"https://thuvien.haiphong.gov.vn/thu-vien/tai-lieu/{item.pk}/"


@pytest.mark.parametrize(("typed", "codes"), [
    ("vi", ["vi"]),
    ("vi, EN;zh", ["vi", "en", "zh"]),
    ("vi en", ["vi", "en"]),
    ("Tiếng Việt, tiếng Anh", ["vi", "en"]),
    ("tieng phap / English", ["fr", "en"]),
    ("Hán Nôm", ["Hán Nôm"]),
    (" , ", []),
])
def test_languages_are_iso_codes_even_when_typed_as_names(typed, codes):
    assert dublin_core.language_codes(typed) == codes
