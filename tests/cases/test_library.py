"""The argument library (tư liệu, lập luận): found with the platform's Vietnamese search, typed
with or without diacritics, with the press search's query language; the entries whose words
carry the query's exact diacritics ranked first; due for review on their date; seeded with
verifiable public facts; kept in the staff UI with filters, search and highlighting."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from doingoai.cases import (
    library,
    wagtail_hooks,  # noqa: F401  (the dashboard counter registers there)
)
from doingoai.cases.models import Argument
from doingoai.core import dashboard, seed
from doingoai.core.models import Role

TODAY = timezone.localdate()


def entry(title, body="", *, themes=(), kind=Argument.Kind.FACT, sources="Cổng thông tin điện tử thành phố",
          review=TODAY + datetime.timedelta(days=200)):
    return Argument.objects.create(title=title, body=body, themes=list(themes), kind=kind, sources=sources,
                                   review_date=review)


def titles(found):
    return [a.title for a in found]


@pytest.fixture
def shelf(db):
    return {
        "heritage": entry("Vịnh Hạ Long – quần đảo Cát Bà là Di sản thiên nhiên thế giới",
                          "UNESCO công nhận tháng 9/2023, thuộc Quảng Ninh và Hải Phòng.",
                          themes=["du-lich", "bien-dao"], sources="https://whc.unesco.org/en/list/672"),
        "port": entry("Cảng cửa ngõ quốc tế tại Lạch Huyện",
                      "Khu bến Lạch Huyện của cảng Hải Phòng đón tàu container lớn.", themes=["kinh-te-dau-tu"]),
        "island": entry("Bạch Long Vĩ, đảo giữa Vịnh Bắc Bộ", "Đặc khu của thành phố Hải Phòng từ 01/7/2025.",
                        themes=["bien-dao"], kind=Argument.Kind.DOCUMENT),
        "media": entry("Công tác truyền thông đối ngoại", "Sở chủ trì truyền thông về thành phố.",
                       themes=["chinh-quyen"], kind=Argument.Kind.ARGUMENT),
        "tradition": entry("Lễ hội truyền thống", "Lễ hội truyền thống của vùng biển.",
                           themes=["van-hoa-xa-hoi"]),
        "boat": entry("Nghề đóng tàu", "Đóng thuyền, bao gồm tàu cá vỏ thép.", themes=["kinh-te-dau-tu"],
                      review=TODAY - datetime.timedelta(days=1)),
    }


# --- search ----------------------------------------------------------------------------------

def test_typed_without_diacritics_finds_the_entries_written_with_them(shelf):
    assert set(titles(library.search("hai phong"))) == {
        shelf["heritage"].title, shelf["port"].title, shelf["island"].title}
    assert titles(library.search("cat ba")) == [shelf["heritage"].title]
    assert titles(library.search("HẢI PHÒNG")) == titles(library.search("hai phong"))
    assert titles(library.search("bach long vi")) == [shelf["island"].title]
    assert library.search("thanh pho ho chi minh") == []


def test_words_are_whole_words_not_parts_of_words(shelf):
    # "bao" is in "bao gồm"; "ba" alone is the end of "Cát Bà" only.
    assert titles(library.search("ba")) == [shelf["heritage"].title]
    assert titles(library.search("bao")) == [shelf["boat"].title]
    assert titles(library.search("lach*")) == [shelf["port"].title]


def test_the_query_s_exact_diacritics_rank_first(shelf):
    assert titles(library.search("truyền thông")) == [shelf["media"].title, shelf["tradition"].title]
    assert titles(library.search("truyền thống")) == [shelf["tradition"].title, shelf["media"].title]
    # Typed without diacritics nothing is preferred: equals stay in title order.
    assert titles(library.search("truyen thong")) == sorted([shelf["media"].title, shelf["tradition"].title])


def test_words_side_by_side_and_in_the_title_rank_higher(db):
    apart = entry("Tin về thành phố", "Đối tác nước ngoài, ngoại giao, đối thoại.")
    body = entry("Tin về Sở", "Công tác đối ngoại của Sở.")
    title = entry("Thông tin đối ngoại", "Nội dung.")
    found = library.search_ranked("đối ngoại")
    assert [f.argument for f in found] == [title, body, apart]
    assert [(f.pairs, f.exact, f.title) for f in found] == [(1, True, True), (1, True, False), (0, True, False)]


def test_and_or_not_and_phrases(shelf):
    assert titles(library.search("hai phong AND unesco")) == [shelf["heritage"].title]
    assert titles(library.search("hai phong VÀ container")) == [shelf["port"].title]
    assert set(titles(library.search("cat ba OR bach long vi"))) == {shelf["heritage"].title, shelf["island"].title}
    assert set(titles(library.search("hai phong NOT unesco"))) == {shelf["port"].title, shelf["island"].title}
    assert set(titles(library.search("hai phong -container -unesco"))) == {shelf["island"].title}
    assert titles(library.search('"vịnh bắc bộ"')) == [shelf["island"].title]
    # A phrase needs its words side by side and in order.
    assert library.search('"bac vinh"') == []
    assert titles(library.search('(cat ba OR lach huyen) KHÔNG container')) == [shelf["heritage"].title]


def test_themes_and_kind_narrow_the_search(shelf):
    assert set(titles(library.search("hai phong", themes=["bien-dao"]))) == {
        shelf["heritage"].title, shelf["island"].title}
    assert titles(library.search("hai phong", themes=["bien-dao"], kind=Argument.Kind.DOCUMENT)) == [
        shelf["island"].title]
    assert titles(library.search("", themes=["kinh-te-dau-tu"])) == sorted([shelf["port"].title, shelf["boat"].title])


def test_a_query_that_cannot_be_searched_says_why_in_vietnamese(shelf):
    with pytest.raises(library.QueryError, match="ngoặc kép"):
        library.search('"cảng Lạch Huyện')
    with pytest.raises(library.QueryError, match="loại trừ"):
        library.search("-cảng")


def test_the_folded_text_follows_every_edit(shelf):
    port = shelf["port"]
    port.sources = "Cục Hàng hải Việt Nam"
    port.save(update_fields=["sources"])
    port.refresh_from_db()
    assert "cuc hang hai viet nam" in port.folded
    assert titles(library.search("cuc hang hai")) == [port.title]


# --- review ----------------------------------------------------------------------------------

def test_entries_whose_review_date_has_come_are_due(shelf):
    assert list(library.due_for_review(TODAY)) == [shelf["boat"]]
    later = TODAY + datetime.timedelta(days=200)
    assert set(library.due_for_review(later)) == set(shelf.values())
    assert shelf["boat"].is_due_for_review(TODAY) and not shelf["port"].is_due_for_review(TODAY)


# --- seed data -------------------------------------------------------------------------------

def test_the_seed_entries_load_once_with_valid_themes_and_public_sources(db):
    rows = json.loads(library.ARGUMENTS_FILE.read_text(encoding="utf-8"))["arguments"]
    assert 15 <= len(rows) <= 25
    created, kept = library.load_arguments(today=TODAY)
    assert (created, kept) == (len(rows), 0)
    assert library.load_arguments(today=TODAY) == (0, len(rows))
    assert Argument.objects.count() == len(rows)

    codes = {t["code"] for t in seed.themes()}
    for argument in Argument.objects.all():
        assert argument.themes and set(argument.themes) <= codes, argument.title
        assert argument.source_lines, argument.title
        assert argument.review_date > TODAY
    # Found typed without diacritics, as staff search them.
    assert any("Hải Dương" in t for t in titles(library.search("nghi quyet 202/2025/QH15")))
    assert titles(library.search("unesco cat ba"))[0].startswith("Vịnh Hạ Long – quần đảo Cát Bà")
    assert library.search('"lach huyen"') and library.search("truong sa")


def test_an_edited_seed_entry_is_kept_as_staff_left_it(db):
    library.load_arguments(today=TODAY)
    argument = Argument.objects.get(title__startswith="Cảng cửa ngõ quốc tế Hải Phòng")
    argument.body = "Nội dung đã được cán bộ cập nhật."
    argument.save()
    library.load_arguments(today=TODAY)
    argument.refresh_from_db()
    assert argument.body == "Nội dung đã được cán bộ cập nhật."


# --- staff screens ---------------------------------------------------------------------------

def test_the_library_screen_searches_filters_and_highlights(shelf, inspector, signed_in):
    client = signed_in(inspector)
    index = reverse("cases_arguments:index")
    page = client.get(index, {"q": "cat ba"}).content.decode()
    assert "<mark>Cát Bà</mark>" in page and shelf["port"].title not in page

    page = client.get(index, {"q": "hai phong", "theme": "bien-dao"}).content.decode()
    assert shelf["island"].title.split(",")[0] in page and shelf["port"].title not in page

    page = client.get(index, {"due": "true"}).content.decode()
    assert shelf["boat"].title in page and shelf["port"].title not in page
    assert "đến hạn rà soát" in page

    page = client.get(index, {"q": '"cảng'}, follow=True).content.decode()
    assert "Thiếu dấu ngoặc kép đóng" in page


def test_staff_add_an_entry_with_themes_and_sources(db, inspector, signed_in):
    client = signed_in(inspector)
    response = client.post(reverse("cases_arguments:add"), {
        "title": "Cát Bà có Vườn quốc gia", "kind": "fact", "review_date": "01/06/2026",
        "body": "Vườn quốc gia Cát Bà.", "themes": ["moi-truong", "du-lich"],
        "sources": "\n  UNESCO MAB  \n\n",
    })
    assert response.status_code == 302
    argument = Argument.objects.get()
    assert argument.themes == ["moi-truong", "du-lich"] and argument.sources == "UNESCO MAB"
    assert argument.review_date == datetime.date(2026, 6, 1)
    assert titles(library.search("vuon quoc gia")) == ["Cát Bà có Vườn quốc gia"]

    # Without a source nothing is saved, and the reason is given.
    response = client.post(reverse("cases_arguments:add"), {
        "title": "Không nguồn", "kind": "fact", "review_date": "01/06/2026", "body": "…", "sources": " "})
    assert response.status_code == 200 and "ít nhất một nguồn" in response.content.decode()
    assert Argument.objects.count() == 1


def test_the_library_is_for_those_who_work_on_cases(shelf, outsider, signed_in):
    response = signed_in(outsider).get(reverse("cases_arguments:index"))
    assert response.status_code in (302, 403)
    assert shelf["port"].title not in response.content.decode()


def test_the_dashboard_counts_the_entries_due_for_review(shelf, inspector, make_person):
    counters = {c.label: c for c in dashboard.counters(inspector)}
    due = counters["Tư liệu, lập luận đến hạn rà soát"]
    assert due.value == library.due_count() == 1 and "due=true" in due.url
    visitor = make_person(Role.CHUYEN_VIEN, "VPS", username="khach")
    assert "Tư liệu, lập luận đến hạn rà soát" not in {c.label for c in dashboard.counters(visitor)}
