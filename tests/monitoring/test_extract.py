"""monitoring.pipeline.extract: one fetched page (untrusted HTML) → the article it carries.

Pages are small fixtures written for these tests (tests/monitoring/fixtures/pages/); the
real-page gold is for bench/extraction.py only."""

from __future__ import annotations

import time
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from doingoai.monitoring.pipeline.extract import MAX_HTML_BYTES, Extracted, decode_html, extract

PAGES = Path(__file__).parent / "fixtures" / "pages"
VI_URL = "https://baothunghiem.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html?utm_source=rss"

PARAGRAPH = (
    "Thành phố Hải Phòng đẩy mạnh công tác thông tin đối ngoại, giới thiệu hình ảnh "
    "thành phố Cảng năng động, thân thiện tới bạn bè quốc tế trong năm 2025. "
)


def page(body: str, head: str = "", lang: str = "vi") -> str:
    """A minimal page: an article of a few paragraphs inside ``body``."""
    return f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


def article(extra: str = "") -> str:
    return "<article>" + "".join(f"<p>{PARAGRAPH * 2}</p>" for _ in range(3)) + extra + "</article>"


@pytest.fixture(scope="module")
def vi_page() -> Extracted:
    result = extract((PAGES / "vi_baiviet.html").read_bytes(), VI_URL)
    assert result is not None
    return result


# --- what comes out of a news page -------------------------------------------------------


def test_the_article_text_is_kept_and_the_page_around_it_dropped(vi_page):
    assert "tổng vốn đầu tư khoảng 6.400 tỷ đồng" in vi_page.text
    assert "giám sát chặt chẽ việc nạo vét và đổ thải" in vi_page.text
    assert "Hiện khu bến cảng Lạch Huyện đã có sáu bến container" in vi_page.text
    for boilerplate in ("Thời sự", "Tin liên quan", "Bản quyền thuộc", "Chia sẻ Facebook", "Quảng cáo", "dataLayer"):
        assert boilerplate not in vi_page.text


def test_reader_comments_are_not_part_of_the_article(vi_page):
    assert "Bình luận thử của bạn đọc" not in vi_page.text
    assert "Nguyễn Văn Bạn Đọc" not in vi_page.text
    assert "Bình luận thử" not in vi_page.html


def test_the_sapo_printed_above_the_body_opens_the_text_and_is_the_lead(vi_page):
    sapo = ("Sáng 15/1, tại huyện Cát Hải, thành phố Hải Phòng tổ chức lễ khởi công xây dựng "
            "bến container số 7 và số 8 thuộc khu bến cảng Lạch Huyện.")
    assert vi_page.text.startswith(sapo)
    assert vi_page.lead == sapo


def test_title_author_date_language_and_canonical_url_come_from_the_page(vi_page):
    assert vi_page.title == "Khởi công bến container số 7 và 8 tại cảng Lạch Huyện"
    assert vi_page.author == "Minh Anh"  # the byline printed under the article
    assert vi_page.published == datetime.fromisoformat("2025-01-15T10:30:00+07:00")
    assert vi_page.published.tzinfo is not None
    assert vi_page.language_hint == "vi"  # from <html lang="vi-VN">
    assert vi_page.canonical_url == "https://baothunghiem.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html"


def test_text_is_nfc_with_one_block_per_line(vi_page):
    assert unicodedata.is_normalized("NFC", vi_page.text)
    lines = vi_page.text.split("\n")
    assert "Yêu cầu bảo đảm tiến độ và an toàn" in lines  # the sub-heading is a line of its own
    assert all(line == line.strip() and line for line in lines)


def test_html_body_keeps_structure_with_the_allowed_tags_only(vi_page):
    html = vi_page.html
    assert "<h3>Yêu cầu bảo đảm tiến độ và an toàn</h3>" in html
    assert "<ul><li>hoàn thành bàn giao mặt bằng trong quý I;</li>" in html
    assert "<blockquote><p>“Đây là dự án" in html
    assert "<em>bảo đảm chất lượng, tiến độ và an toàn lao động</em>" in html
    for forbidden in ("<img", "<figure", "<script", "<style", "<div", "<span", "class=", "style=", "<h1"):
        assert forbidden not in html


def test_links_are_absolute_and_marked_noopener_nofollow(vi_page):
    assert ('<a href="https://baothunghiem.vn/tag/dong-bang-song-hong" rel="noopener nofollow">'
            "vùng đồng bằng sông Hồng</a>") in vi_page.html


def test_javascript_links_lose_their_target_but_keep_their_words():
    result = extract((PAGES / "en_article.html").read_bytes(), "https://wire.example.com/world/asia/typhoon-yagi-vietnam")
    assert result is not None
    assert "javascript" not in result.html
    assert "officials in Hanoi and" in result.text
    assert '<a href="https://wire.example.com/world/asia" rel="noopener nofollow">the region</a>' in result.html


def test_an_author_given_as_a_profile_address_is_not_an_author():
    result = extract((PAGES / "en_article.html").read_bytes())
    assert result is not None
    assert result.author is None


def test_a_date_without_time_is_midnight_in_vietnam():
    result = extract((PAGES / "en_article.html").read_bytes())
    assert result.published == datetime.fromisoformat("2024-09-08T00:00:00+07:00")
    assert result.published.utcoffset() == timedelta(hours=7)


def test_og_url_serves_as_canonical_url_when_there_is_no_canonical_link():
    result = extract((PAGES / "en_article.html").read_bytes())
    assert result.canonical_url == "https://wire.example.com/world/asia/typhoon-yagi-vietnam"
    assert result.language_hint == "en"
    assert result.title == "Typhoon Yagi batters northern Vietnam, knocking out power in Haiphong"


def test_the_newsletter_box_and_footer_stay_out():
    result = extract((PAGES / "en_article.html").read_bytes())
    assert "Sign up for our daily briefing" not in result.text
    assert "All rights reserved" not in result.text


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="og:locale" content="zh_CN">', "zh"),
        ('<meta http-equiv="content-language" content="ko-KR">', "ko"),
        ("", None),
    ],
)
def test_language_hint_falls_back_to_og_locale_and_content_language(head, expected):
    html = f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body>{article()}</body></html>'
    assert extract(html).language_hint == expected


def test_the_lead_is_the_first_sentence_or_two_when_the_first_is_short():
    body = ("<article><h1>Tin ngắn</h1><p>TP. Hải Phòng đón tàu lớn. Tàu dài 400 m cập cảng Lạch Huyện sáng nay. "
            "Câu thứ ba không thuộc phần mở đầu.</p>" + "".join(f"<p>{PARAGRAPH}</p>" for _ in range(4)) + "</article>")
    result = extract(page(body, "<title>Tin ngắn</title>"))
    # "TP." is not a sentence end; the first sentence is short, so the second joins it
    assert result.lead == "TP. Hải Phòng đón tàu lớn. Tàu dài 400 m cập cảng Lạch Huyện sáng nay."


# --- hostile input -------------------------------------------------------------------------


def test_script_in_title_and_body_never_reaches_text_or_html():
    head = '<title><script>alert("tiêu đề")</script>Tin Hải Phòng</title>'
    body = ('<article><h1>Tin <script>alert(1)</script>Hải Phòng</h1>'
            + "".join(f"<p>{PARAGRAPH}</p>" for _ in range(3))
            + '<p onclick="steal()">Đoạn có <script>document.cookie</script> mã độc '
              '<img src=x onerror="alert(2)"> và <a href="javascript:alert(3)">liên kết</a>. ' + PARAGRAPH + "</p>"
            + "<p>&lt;script&gt;alert(4)&lt;/script&gt; " + PARAGRAPH + "</p>"
            + '<svg><script>alert(5)</script></svg><iframe src="https://evil.example"></iframe></article>')
    result = extract(page(body, head))
    assert result is not None
    for field in (result.title, result.text, result.lead, result.html):
        assert "<script" not in field.lower()
        assert "alert(" not in field
    assert result.title == "Tin Hải Phòng"
    for attack in ("onclick", "onerror", "javascript:", "<iframe", "<svg", "document.cookie"):
        assert attack not in result.html


def test_a_page_over_the_size_cap_is_refused_before_parsing():
    huge = "<html><body><p>" + "a" * (50 * 1024 * 1024) + "</p></body></html>"
    start = time.perf_counter()
    assert extract(huge) is None
    assert extract(huge.encode()) is None
    assert time.perf_counter() - start < 0.05
    assert MAX_HTML_BYTES == 5 * 1024 * 1024


def test_a_page_just_under_the_cap_is_still_read():
    padding = "<!-- " + "x" * (MAX_HTML_BYTES - 20_000) + " -->"
    result = extract(page(padding + article()))
    assert result is not None and "thông tin đối ngoại" in result.text


def test_broken_markup_is_tolerated():
    broken = ("<html><head><title>Bài viết lỗi thẻ</title><body><div class=main><p>Mở đầu <b>đậm <i>nghiêng"
              + "".join(f"<p>Đoạn {i}. {PARAGRAPH}" for i in range(4)) + "<table><tr><td>ô bảng</div></span></li></body>")
    result = extract(broken)
    assert result is not None
    assert "thông tin đối ngoại" in result.text
    assert result.html.count("<p>") >= 4


@pytest.mark.parametrize("nothing", ["", "   ", b"", "<html></html>", "<html><body><p> </p></body></html>", b"\x00\x01\x02"])
def test_empty_or_non_html_input_gives_nothing(nothing):
    assert extract(nothing) is None


# --- encodings -------------------------------------------------------------------------------


TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def windows_1258(text: str) -> bytes:
    """Vietnamese in windows-1258 as old sites wrote it: the letter (â, ơ, ư… are
    precomposed in the code page), then its tone as a combining mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        letter = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
        out += (letter + "".join(c for c in decomposed if c in TONES)).encode("cp1258")
    return bytes(out)


def test_bytes_are_decoded_with_the_declared_legacy_vietnamese_charset():
    html = ('<!DOCTYPE html><html lang="vi"><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
            "<title>Đối ngoại</title></head><body>" + article() + "</body></html>")
    data = windows_1258(html)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = extract(data)
    assert result is not None
    assert "Thành phố Hải Phòng đẩy mạnh công tác thông tin đối ngoại" in result.text  # NFC again
    assert result.title == "Đối ngoại"


def test_bytes_are_decoded_with_a_declared_chinese_charset():
    text = "海防市积极开展对外信息工作，向国际友人介绍充满活力的港口城市形象。" * 6
    html = ('<html lang="zh"><head><meta charset="gbk"><title>海防港</title></head><body><article>'
            + "".join(f"<p>{text}</p>" for _ in range(3)) + "</article></body></html>")
    result = extract(html.encode("gbk"))
    assert result is not None
    assert "海防市积极开展对外信息工作" in result.text


def test_undeclared_invalid_bytes_become_replacement_characters_not_errors():
    data = page(article()).encode("utf-8").replace("đối ngoại".encode(), b"\xff\xfe ngo\xe1i", 1)
    assert "\ufffd" in decode_html(data)
    result = extract(data)
    assert result is not None and "\ufffd" in result.text


def test_valid_utf8_wins_over_a_stale_legacy_declaration():
    html = page(article(), '<meta charset="iso-8859-1">')
    assert decode_html(html.encode("utf-8")) == html


def test_a_byte_order_mark_decides_the_encoding():
    html = page(article())
    assert decode_html(b"\xef\xbb\xbf" + html.encode("utf-8")) == html
    assert decode_html("\ufeff".encode("utf-16-le") + html.encode("utf-16-le")) == html


def test_str_input_with_an_xml_declaration_is_read():
    html = '<?xml version="1.0" encoding="iso-8859-1"?>' + page(article())
    result = extract(html)
    assert result is not None and "đối ngoại" in result.text


def test_a_utc_timestamp_keeps_its_instant():
    head = '<meta property="article:published_time" content="2025-01-15T03:30:00Z"><title>Tin</title>'
    result = extract(page(article(), head))
    assert result.published == datetime.fromisoformat("2025-01-15T10:30:00+07:00")
