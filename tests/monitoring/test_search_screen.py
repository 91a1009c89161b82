"""The search screen: Vietnamese without diacritics, filters, snippets, export of every match."""

import csv
import html
import io

import openpyxl
import pytest
from django.urls import reverse

from doingoai.core.models import Role
from doingoai.monitoring import search
from doingoai.monitoring.pipeline.ingest import Incoming, ingest

TEXT = ("Thành phố Hải Phòng đẩy mạnh công tác thông tin đối ngoại, quảng bá hình ảnh cảng biển "
        "Lạch Huyện và quần đảo Cát Bà tới bạn bè quốc tế.")


@pytest.fixture
def articles(db):
    items = [Incoming(url=f"https://baohaiphong.vn/doi-ngoai-{i}.html",
                      title=f"Hải Phòng đẩy mạnh thông tin đối ngoại, bài {i}", text=f"{TEXT} Số thứ tự {i}.")
             for i in range(25)]
    items.append(Incoming(url="https://baohaiphong.vn/xss.html", title="<script>alert(1)</script> đối ngoại Hải Phòng",
                          text=TEXT))
    ingest(items)


def test_a_specialist_finds_articles_typed_without_diacritics_and_pages_through(articles, make_person, signed_in):
    client = signed_in(make_person(Role.CHUYEN_VIEN, "TTBCXB"))
    body = client.get(reverse("monitoring_search"), {"q": "doi ngoai"}).content.decode()
    assert "<strong data-total>26</strong>" in body
    assert "<mark>" in body and "Trang 1/2" in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_beyond_the_cap_the_screen_says_more_than_and_the_export_and_count_stay_exact(
        articles, make_person, signed_in, settings):
    settings.SEARCH_RANK_ALL = 5  # too many to rank them all: the total is counted
    settings.SEARCH_TOTAL_CAP = 10  # …and counting stops past ten (a million articles in real life)
    client = signed_in(make_person(Role.CHUYEN_VIEN, "TTBCXB"))
    body = client.get(reverse("monitoring_search"), {"q": "doi ngoai"}).content.decode()
    assert "<strong data-total>Hơn 10</strong> bài khớp" in body
    page = search.search("doi ngoai")
    assert page.capped and len(page.hits) == 20
    assert search.count("doi ngoai") == 26
    rows = list(csv.reader(io.StringIO(client.get(reverse("monitoring_search"), {
        "q": "doi ngoai", "xuat": "csv"}).content.decode("utf-8-sig"))))
    assert len(rows) == 27


def test_export_holds_every_match_not_a_page(articles, make_person, signed_in):
    client = signed_in(make_person(Role.CHUYEN_VIEN, "TTBCXB"))
    response = client.get(reverse("monitoring_search"), {"q": "doi ngoai", "xuat": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Mã", "Tiêu đề", "Địa chỉ"] and len(rows) == 27
    response = client.get(reverse("monitoring_search"), {"q": "doi ngoai", "xuat": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 27 and sheet["B1"].value == "Tiêu đề"


def test_a_malformed_query_and_a_wrong_date_get_a_clear_message(articles, make_person, signed_in):
    client = signed_in(make_person(Role.CHUYEN_VIEN, "TTBCXB"))
    body = client.get(reverse("monitoring_search"), {"q": '"đối ngoại'}).content.decode()
    assert 'role="alert"' in body
    body = client.get(reverse("monitoring_search"), {"q": "đối ngoại", "date_from": "31/02/2025"}).content.decode()
    assert "hợp lệ" in body


@pytest.mark.parametrize(("lang", "message"), [
    ("en", 'Missing closing quotation mark: a phrase to search for must be enclosed in two " marks.'),
    ("vi", 'Thiếu dấu ngoặc kép đóng: một cụm từ cần tìm phải nằm giữa hai dấu ".'),
])
def test_a_malformed_query_is_explained_in_the_language_the_person_chose(articles, make_person, signed_in, lang,
                                                                         message):
    client = signed_in(make_person(Role.CHUYEN_VIEN, "TTBCXB"))
    client.cookies["django_language"] = lang
    body = html.unescape(client.get(reverse("monitoring_search"), {"q": '"đối ngoại'}).content.decode())
    assert message in body


def test_the_search_screen_is_closed_to_the_system_administrator(articles, make_person, signed_in):
    response = signed_in(make_person(Role.QUAN_TRI, "VPS")).get(reverse("monitoring_search"), {"q": "x"})
    assert response.status_code == 403 and "Theo dõi báo chí dành cho" in response.content.decode()
