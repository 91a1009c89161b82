"""monitoring.pipeline.canonical: the same article reached by other links gets the same key,
the same article re-ingested with cosmetic differences gets the same content hash."""

from __future__ import annotations

import hashlib
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from doingoai.monitoring.pipeline.canonical import canonical_url, content_hash, stored_url, url_key

ARTICLE = "https://baohaiphong.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html"


@pytest.mark.parametrize(
    "variant",
    [
        ARTICLE,
        "https://BaoHaiPhong.VN/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html",
        "https://baohaiphong.vn:443/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html",
        "http://baohaiphong.vn:80/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html",
        "https://baohaiphong.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html#binh-luan",
        "https://baohaiphong.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html?utm_source=facebook&utm_medium=social&utm_campaign=tet",
        "https://baohaiphong.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html?fbclid=IwAR0abc&gclid=xyz",
        "https://baohaiphong.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html?zarsrc=30&gidzl=abc",
        "https://baohaiphong.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html?ref=home",
        "https://www.baohaiphong.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html",
        "https://m.baohaiphong.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html",
        "https://amp.baohaiphong.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html",
        "https://baohaiphong.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html/amp",
        "https://baohaiphong.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html?amp=1",
        "https://baohaiphong.vn/kinh-te/../kinh-te/./khoi-cong-ben-container-so-7-va-8-123456.html",
        "  https://baohaiphong.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html  ",
        "https://user:secret@baohaiphong.vn/kinh-te/khoi-cong-ben-container-so-7-va-8-123456.html",
    ],
)
def test_links_to_the_same_article_share_one_canonical_url(variant):
    assert canonical_url(variant) == ARTICLE
    assert url_key(variant) == url_key(ARTICLE)


def test_meaningful_query_parameters_are_kept_and_sorted():
    url = "https://cong.haiphong.gov.vn/tin-tuc.aspx?utm_source=zalo&page=2&ItemID=1234&cat=5"
    assert canonical_url(url) == "https://cong.haiphong.gov.vn/tin-tuc.aspx?ItemID=1234&cat=5&page=2"
    assert canonical_url("https://x.vn/a?b=2&a=1") == canonical_url("https://x.vn/a?a=1&b=2")
    assert canonical_url("https://x.vn/tim-kiem?q=h%E1%BA%A3i+ph%C3%B2ng") == "https://x.vn/tim-kiem?q=h%E1%BA%A3i%20ph%C3%B2ng"


def test_different_articles_keep_different_keys():
    assert url_key("https://x.vn/tin?id=1") != url_key("https://x.vn/tin?id=2")
    assert url_key("https://x.vn/tin/1.html") != url_key("https://y.vn/tin/1.html")
    assert url_key("https://x.vn/Tin/1.html") != url_key("https://x.vn/tin/1.html")  # paths are case-sensitive


def test_an_article_keeps_the_address_it_was_published_at_without_its_tracking():
    # The identity is https; the address kept must still open (a plain-http site, a port).
    assert stored_url("http://127.0.0.1:8081/tin/cang.html?utm_source=zalo&id=7#binh-luan") == \
        "http://127.0.0.1:8081/tin/cang.html?id=7"
    assert stored_url("http://www.baohaiphong.vn/a.html") == "http://www.baohaiphong.vn/a.html"
    assert url_key("http://www.baohaiphong.vn/a.html") == url_key("https://baohaiphong.vn/a.html")


def test_a_non_default_port_is_kept():
    assert canonical_url("https://x.vn:8443/a") == "https://x.vn:8443/a"


def test_vietnamese_paths_and_their_percent_encoded_form_are_one():
    assert canonical_url("https://x.vn/tin-tức/hải-phòng") == canonical_url("https://x.vn/tin-t%e1%bb%a9c/h%E1%BA%A3i-ph%C3%B2ng")


def test_a_hashbang_route_names_the_page_and_is_kept():
    assert canonical_url("https://x.vn/#!/tin/123") == "https://x.vn/#!/tin/123"


@pytest.mark.parametrize(
    "url",
    [
        "https://m.me/baohaiphong",  # a link shortener, not a mobile edition
        "https://m.youtube.com/watch?v=abc",  # listed in NOT_MIRRORS
        "https://m.com.vn/tin",  # "com.vn" alone is not a site
        "https://amp.dev/documentation",
    ],
)
def test_mirror_prefixes_are_only_folded_when_safe(url):
    assert canonical_url(url).split("/")[2] == url.split("/")[2]


@pytest.mark.parametrize("odd", ["", "   ", "/tin/123.html", "mailto:toasoan@baohaiphong.vn", "ftp://x.vn/a", "https://"])
def test_what_is_not_an_http_url_comes_back_trimmed(odd):
    assert canonical_url(f" {odd} ") == odd.strip()


def test_url_key_is_the_sha256_of_the_canonical_url():
    assert url_key(ARTICLE) == hashlib.sha256(ARTICLE.encode()).hexdigest()
    assert len(url_key("https://x.vn/?utm_source=a")) == 64


urls = st.builds(
    lambda scheme, host, path, query, fragment: f"{scheme}://{host}/{path}{query}{fragment}",
    st.sampled_from(["http", "https", "HTTPS"]),
    st.sampled_from(["baohaiphong.vn", "WWW.Example.com", "m.vnexpress.net", "amp.x.vn:443", "x.vn:8080"]),
    st.text(alphabet="abcđế/.-_%2F~0", max_size=30),
    st.sampled_from(["", "?utm_source=a", "?b=1&a=2", "?id=3&fbclid=x", "?q=h%E1%BA%A3i+ph%C3%B2ng", "?"]),
    st.sampled_from(["", "#top", "#!/route"]),
)


@given(urls)
def test_canonical_url_is_idempotent(url):
    once = canonical_url(url)
    assert canonical_url(once) == once


# --- content hash --------------------------------------------------------------------------

TITLE = "Hải Phòng khởi công bến container số 7 và 8"
TEXT = "Sáng 15/1, thành phố Hải Phòng khởi công hai bến container.\nTổng vốn đầu tư khoảng 6.400 tỷ đồng."


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (TITLE, TEXT),
        (f"  {TITLE} ", TEXT.replace("\n", "\n\n  ")),  # spaces and blank lines
        (TITLE.replace(" ", "\u00a0"), TEXT),  # non-breaking spaces
        (TITLE.upper(), TEXT),  # case
        (unicodedata.normalize("NFD", TITLE), unicodedata.normalize("NFD", TEXT)),  # decomposed marks
        ("Hai Phong khoi cong ben container so 7 va 8", TEXT),  # typed without marks
        (f"“{TITLE}”", TEXT.replace(",", " ,")),  # quotes and spacing of punctuation
        (TITLE, TEXT.replace("hai bến", "hai \u200bbến").replace("tỷ", "t\u00adỷ")),  # zero-width space, soft hyphen
        (TITLE + ".", TEXT + " "),
    ],
)
def test_cosmetic_differences_keep_the_content_hash(title, text):
    assert content_hash(title, text) == content_hash(TITLE, TEXT)


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (TITLE, TEXT.replace("6.400", "6.500")),  # a figure changed
        (TITLE, TEXT.replace("hai bến", "ba bến")),  # a word changed
        (TITLE.replace(" và 8", ""), TEXT),
        (TITLE + " và 8", TEXT.replace("Sáng 15/1, ", "")),
    ],
)
def test_a_changed_word_changes_the_content_hash(title, text):
    assert content_hash(title, text) != content_hash(TITLE, TEXT)


def test_moving_words_between_title_and_text_changes_the_hash():
    assert content_hash("Hải Phòng", "khởi công") != content_hash("Hải Phòng khởi công", "")


def test_content_hash_is_hex_sha256():
    value = content_hash(TITLE, TEXT)
    assert len(value) == 64 and int(value, 16) >= 0
    assert content_hash("", "") == content_hash(None, None)  # type: ignore[arg-type]
