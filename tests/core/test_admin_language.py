"""The staff UI speaks Vietnamese: no menu entry, page title or heading left in English.

The check compares each visible string under ``vi`` with the same string under ``en``: a
string that reads the same in both was not translated."""

import html
import json
import re

import pytest

from doingoai.core import vntext
from doingoai.core.models import Role

# Names that are the same in every language.
SAME_IN_BOTH = {"doingoai", "Wagtail", "OK"}


def still_english(vi: str, en: str) -> bool:
    """The same text under both languages and no Vietnamese letter in it."""
    return vi == en and vi not in SAME_IN_BOTH and vntext.fold(vi) == vi.casefold()


def _sidebar_items(body: str) -> list[tuple[str, str]]:
    raw = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', body, re.S)
    assert raw, "sidebar not found"
    items = []

    def walk(node):
        if isinstance(node, dict):
            if "label" in node and isinstance(node["label"], str):
                items.append((node["label"], node.get("url", "")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(raw.group(1)))
    return items


def _headings(body: str) -> list[str]:
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
    h1s = re.findall(r"<h1[^>]*>(.*?)</h1>", body, re.S)
    texts = [title, *h1s]
    return [html.unescape(re.sub(r"<[^>]+>|\s+", " ", t)).strip() for t in texts if t.strip()]


@pytest.fixture
def admin_client(signed_in, make_person, django_user_model):
    # A superuser sees every menu there is; the system administrator role sees the same set
    # of the platform's own screens.
    user = make_person(Role.QUAN_TRI, "VPS", is_superuser=True)
    return signed_in(user)


def _get(client, url, lang):
    client.cookies["django_language"] = lang
    response = client.get(url)
    assert response.status_code == 200, (url, lang, response.status_code)
    return response.content.decode()


def test_every_menu_entry_is_vietnamese(admin_client):
    vi = _sidebar_items(_get(admin_client, "/admin/", "vi"))
    en = _sidebar_items(_get(admin_client, "/admin/", "en"))
    assert len(vi) == len(en) > 15
    english = [e for (v, _), (e, _) in zip(vi, en, strict=True) if still_english(v, e)]
    assert english == [], f"menu entries still in English under vi: {english}"
    labels = {label for label, _ in vi}
    assert {"Hình ảnh", "Tài liệu", "Báo cáo", "Trợ giúp", "Cài đặt"} <= labels


def test_every_menu_page_has_a_vietnamese_title_and_heading(admin_client):
    urls = sorted({url for _, url in _sidebar_items(_get(admin_client, "/admin/", "vi")) if url.startswith("/admin/")})
    assert len(urls) > 10
    untranslated = []
    for url in urls:
        if url.endswith("/logout/"):
            continue
        vi = _headings(_get(admin_client, url, "vi"))
        en = _headings(_get(admin_client, url, "en"))
        for v, e in zip(vi, en, strict=False):
            if still_english(v, e):
                untranslated.append((url, v))
    assert untranslated == [], f"titles or headings still in English under vi: {untranslated}"


def test_the_dashboard_greets_in_vietnamese_and_shows_the_unit(specialist, signed_in):
    body = _get(signed_in(specialist), "/admin/", "vi")
    assert "Bảng điều khiển" in body
    assert "Đơn vị và công việc của tôi" in body
    assert "Phòng Thông tin – Báo chí – Xuất bản" in body and "Chuyên viên" in body
    assert "Chưa có việc nào đang mở." in body


def test_english_is_the_switchable_second_language(specialist, signed_in):
    body = _get(signed_in(specialist), "/admin/", "en")
    assert 'lang="en"' in body
    assert "My unit and work" in body


def test_dates_are_shown_day_month_year():
    import datetime

    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.date_format(datetime.date(2025, 2, 18), "SHORT_DATE_FORMAT") == "18/02/2025"
