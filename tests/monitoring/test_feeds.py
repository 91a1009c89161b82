"""Feeds, sitemaps and listing pages → article addresses.

Everything read here is untrusted: a hostile or broken document is an error (or a warning
with what could be read), never an exception; titles are plain text, never markup.
"""

from __future__ import annotations

import gzip
import uuid
from datetime import UTC, datetime

import pytest
from django.core.cache.backends.locmem import LocMemCache
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from doingoai.monitoring.pipeline.feeds import (
    FeedEntry,
    links_from_listing,
    parse_date,
    parse_feed,
    parse_sitemap,
    plain_text,
)
from doingoai.monitoring.pipeline.fetch import FetchPolicy, fetch
from tests.monitoring.servers import Reply, encode_cp1258, serve

SITE = "https://baohaiphong.vn"

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Báo Hải Phòng – Thời sự</title><link>{SITE}/</link>
  <item>
    <title>Hải Phòng đón đoàn doanh nghiệp Hàn Quốc</title>
    <link>/kinh-te/hai-phong-don-doan-doanh-nghiep-han-quoc-123456.html</link>
    <guid isPermaLink="false">bhp-123456</guid>
    <pubDate>Mon, 01 Sep 2025 08:30:00 +0700</pubDate>
    <description>&lt;p&gt;Sáng 1/9, &lt;b&gt;lãnh đạo thành phố&lt;/b&gt; tiếp đoàn.&lt;/p&gt;</description>
  </item>
  <item>
    <title>Kỷ niệm Ngày Quốc khánh 2/9</title>
    <link>{SITE}/xa-hoi/ky-niem-ngay-quoc-khanh-123457.html</link>
    <pubDate>02/09/2025 07:00</pubDate>
  </item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://haiphong.gov.vn/">
  <title>Cổng thông tin điện tử thành phố Hải Phòng</title>
  <id>urn:uuid:hp</id><updated>2025-09-01T10:00:00+07:00</updated>
  <entry>
    <title type="html">Thông báo &lt;em&gt;tuyển dụng&lt;/em&gt; năm 2025</title>
    <link rel="alternate" href="tin-tuc/thong-bao-tuyen-dung-nam-2025-9988.html"/>
    <id>tag:haiphong.gov.vn,2025:9988</id>
    <published>2025-09-01T09:15:00+07:00</published>
    <updated>2025-09-01T10:00:00+07:00</updated>
    <summary>Sở Thông tin và Truyền thông thông báo tuyển dụng.</summary>
  </entry>
  <entry>
    <title>Chỉ có ngày cập nhật</title>
    <link href="https://haiphong.gov.vn/tin-tuc/chi-co-ngay-cap-nhat-9989.html"/>
    <id>tag:haiphong.gov.vn,2025:9989</id>
    <updated>2025-09-02T00:00:00Z</updated>
  </entry>
</feed>"""


# --- RSS and Atom ---------------------------------------------------------------------------


def test_an_rss_2_feed_in_vietnamese_gives_absolute_links_plain_text_and_utc_dates():
    result = parse_feed(RSS.encode(), f"{SITE}/rss/thoi-su.rss")
    assert result.ok and result.warning is None and result.kind == "rss20"
    assert result.title == "Báo Hải Phòng – Thời sự"
    first, second = result.entries
    assert first == FeedEntry(
        url=f"{SITE}/kinh-te/hai-phong-don-doan-doanh-nghiep-han-quoc-123456.html",
        title="Hải Phòng đón đoàn doanh nghiệp Hàn Quốc",
        published=datetime(2025, 9, 1, 1, 30, tzinfo=UTC),
        summary="Sáng 1/9, lãnh đạo thành phố tiếp đoàn.",
        guid="bhp-123456",
        updated=None,  # RSS gives a publication date only
    )
    # A Vietnamese day-first date without a zone is Vietnam time.
    assert second.published == datetime(2025, 9, 2, 0, 0, tzinfo=UTC)
    assert second.guid == second.url


def test_an_atom_feed_in_vietnamese(tmp_path):
    result = parse_feed(ATOM.encode(), "https://haiphong.gov.vn/feeds/atom.xml")
    assert result.ok and result.kind == "atom10"
    first, second = result.entries
    assert first.url == "https://haiphong.gov.vn/tin-tuc/thong-bao-tuyen-dung-nam-2025-9988.html"
    assert first.title == "Thông báo tuyển dụng năm 2025"
    assert first.published == datetime(2025, 9, 1, 2, 15, tzinfo=UTC)
    assert first.updated == datetime(2025, 9, 1, 3, 0, tzinfo=UTC)
    assert first.summary == "Sở Thông tin và Truyền thông thông báo tuyển dụng."
    assert first.guid == "tag:haiphong.gov.vn,2025:9988"
    assert second.published == second.updated == datetime(2025, 9, 2, tzinfo=UTC)  # the update stands in


def test_rss_1_0_and_rss_0_91_with_its_netscape_doctype_are_read():
    rdf = f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="{SITE}/"><title>Kênh</title><link>{SITE}/</link></channel>
  <item rdf:about="{SITE}/a-1.html"><title>Tin RDF</title><link>{SITE}/a-1.html</link>
    <dc:date>2025-09-01T08:00:00+07:00</dc:date></item>
</rdf:RDF>"""
    old = f"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Cũ</title><link>{SITE}/</link>
<item><title>Tin 0.91</title><link>{SITE}/b-2.html</link></item></channel></rss>"""
    new = parse_feed(rdf.encode(), SITE)
    assert new.kind == "rss10" and new.entries[0].url == f"{SITE}/a-1.html"
    assert new.entries[0].published == datetime(2025, 9, 1, 1, 0, tzinfo=UTC)
    legacy = parse_feed(old.encode(), SITE)
    assert legacy.ok and legacy.kind.startswith("rss09")
    assert [e.title for e in legacy.entries] == ["Tin 0.91"]


def test_a_feed_in_windows_1258_is_read_as_correct_vietnamese():
    text = RSS.replace('encoding="UTF-8"', 'encoding="windows-1258"')
    result = parse_feed(encode_cp1258(text), SITE)
    assert result.ok, result.error
    assert result.entries[0].title == "Hải Phòng đón đoàn doanh nghiệp Hàn Quốc"
    assert result.title == "Báo Hải Phòng – Thời sự"


# --- Hostile and broken feeds ---------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://a.vn/x-y-z-t.html</link></item></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&xxe;</title><link>https://a.vn/x</link></item></channel></rss>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY,
                                      b"garbage before" + BILLION_LAUGHS,  # broken XML hides the DTD
                                      BILLION_LAUGHS.decode().encode("utf-16")])
def test_entity_declarations_are_refused_before_any_parser_expands_them(document):
    result = parse_feed(document, "https://a.vn/rss")
    assert result.entries == []
    assert result.error and "thực thể" in result.error and "an toàn" in result.error


@pytest.mark.parametrize("document", [
    b"", b"   ", b"<rss><channel><item><title>cut he", b"\x00\xff\xfe garbage \x00",
    b"<html><body><h1>Trang ch\xe1\xbb\xa7</h1></body></html>", b'{"json": "feed"}', b"/etc/passwd",
])
def test_a_broken_or_foreign_document_is_an_error_not_a_crash(document):
    result = parse_feed(document, "https://a.vn/rss")
    assert result.error and result.entries == []


def test_a_feed_broken_halfway_gives_what_it_could_read_and_a_warning():
    broken = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<item><title>Tin một</title><link>https://a.vn/tin-mot-1.html</link></item>"
        "<item><title>Tin hai & lỗi</title><link>https://a.vn/tin-hai-2.html</link></item>"
        "<item><title>Tin ba bị cắt"
    ).encode()
    result = parse_feed(broken, "https://a.vn/rss")
    assert result.error is None
    assert [e.url for e in result.entries][:2] == ["https://a.vn/tin-mot-1.html", "https://a.vn/tin-hai-2.html"]
    assert result.warning and "lỗi định dạng" in result.warning and "đã đọc được" in result.warning


@pytest.mark.parametrize("title, expected", [
    ("<![CDATA[<script>alert(1)</script>Tin]]>", "Tin"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;Tin", "Tin"),
    ("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;Tin", "Tin"),  # escaped twice
    ("<![CDATA[<img src=x onerror=alert(1)>Ảnh <b>đẹp</b>]]>", "Ảnh đẹp"),
    ("Giá vàng &lt; 100 triệu &amp; tăng", "Giá vàng < 100 triệu & tăng"),
    ("AT&amp;T và &quot;Hải Phòng&quot;", 'AT&T và "Hải Phòng"'),
])
def test_titles_are_plain_text_never_markup(title, expected):
    feed = (f'<rss version="2.0"><channel><item><title>{title}</title>'
            f"<link>https://a.vn/bai-viet-so-1.html</link>"
            f"<description><![CDATA[<p>Tóm tắt</p><script>steal()</script><style>x{{}}</style>]]></description>"
            f"</item></channel></rss>")
    entry = parse_feed(feed.encode(), "https://a.vn/rss").entries[0]
    assert entry.title == expected
    assert "<script" not in entry.title.lower() and "onerror" not in entry.title
    assert entry.summary == "Tóm tắt"


def test_entries_without_a_web_address_are_skipped_with_a_warning():
    feed = b"""<rss version="2.0"><channel>
<item><title>JS</title><link>javascript:alert(1)</link></item>
<item><title>Data</title><link>data:text/html,hi</link></item>
<item><title>None</title></item>
<item><title>Good</title><link>https://a.vn/good-news-here-1.html</link></item>
<item><title>Again</title><link>https://a.vn/good-news-here-1.html#comments</link></item>
</channel></rss>"""
    result = parse_feed(feed, "https://a.vn/rss")
    assert [e.title for e in result.entries] == ["Good"]
    assert "Bỏ qua 3 mục" in result.warning


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000) | st.text(max_size=500).map(lambda t: f"<rss><channel><item><title>{t}</title></item></channel></rss>".encode()))
def test_no_input_makes_the_feed_parser_raise(data):
    result = parse_feed(data, "https://a.vn/rss")
    assert result.error or result.entries is not None
    for entry in result.entries:
        assert entry.url.startswith(("http://", "https://"))


@given(st.text(max_size=300))
def test_plain_text_never_contains_a_tag(fragment):
    text = plain_text(fragment)
    assert "<script" not in text.lower() and "<img" not in text.lower()


@pytest.mark.parametrize("value, expected", [
    ("Mon, 01 Sep 2025 08:30:00 +0700", datetime(2025, 9, 1, 1, 30, tzinfo=UTC)),
    ("Mon, 01 Sep 2025 08:30:00 GMT", datetime(2025, 9, 1, 8, 30, tzinfo=UTC)),
    ("2025-09-01T08:30:00+07:00", datetime(2025, 9, 1, 1, 30, tzinfo=UTC)),
    ("2025-09-01T08:30:00Z", datetime(2025, 9, 1, 8, 30, tzinfo=UTC)),
    ("2025-09-01", datetime(2025, 8, 31, 17, 0, tzinfo=UTC)),
    ("Thứ hai, 01/09/2025 - 08:30", datetime(2025, 9, 1, 1, 30, tzinfo=UTC)),
    ("08:30 | 01-09-2025 (GMT+7)", datetime(2025, 9, 1, 1, 30, tzinfo=UTC)),
    ("1/9/2025 8h05", datetime(2025, 9, 1, 1, 5, tzinfo=UTC)),
    ("31/02/2025", None), ("không phải ngày", None), ("", None), (None, None), ("01/01/1800", None),
])
def test_dates_from_feeds_become_aware_utc(value, expected):
    assert parse_date(value) == expected


# --- Sitemaps -------------------------------------------------------------------------------

NEWS_SITEMAP = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>{SITE}/thoi-su/hai-phong-hop-bao-quy-3-123460.html</loc>
    <news:news>
      <news:publication><news:name>Báo Hải Phòng</news:name><news:language>vi</news:language></news:publication>
      <news:publication_date>2025-09-01T08:30:00+07:00</news:publication_date>
      <news:title>Hải Phòng họp báo &lt;b&gt;quý III&lt;/b&gt;</news:title>
    </news:news>
  </url>
  <url><loc>{SITE}/xa-hoi/le-hoi-123461.html</loc><lastmod>2025-09-02T10:00:00+07:00</lastmod></url>
  <url><loc>{SITE}/xa-hoi/le-hoi-123461.html</loc></url>
  <url><loc>javascript:alert(1)</loc></url>
</urlset>"""


def test_a_google_news_sitemap_gives_titles_and_publication_dates():
    result = parse_sitemap(NEWS_SITEMAP.encode(), f"{SITE}/sitemap-news.xml")
    assert result.ok and result.kind == "urlset" and result.sitemaps == []
    assert result.entries == [
        FeedEntry(url=f"{SITE}/thoi-su/hai-phong-hop-bao-quy-3-123460.html", title="Hải Phòng họp báo quý III",
                  published=datetime(2025, 9, 1, 1, 30, tzinfo=UTC), guid=f"{SITE}/thoi-su/hai-phong-hop-bao-quy-3-123460.html"),
        FeedEntry(url=f"{SITE}/xa-hoi/le-hoi-123461.html", guid=f"{SITE}/xa-hoi/le-hoi-123461.html",
                  updated=datetime(2025, 9, 2, 3, 0, tzinfo=UTC)),
    ]


def test_a_sitemap_index_lists_its_child_sitemaps():
    index = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{SITE}/sitemaps/2025-09.xml</loc><lastmod>2025-09-02</lastmod></sitemap>
  <sitemap><loc>/sitemaps/news.xml.gz</loc></sitemap>
</sitemapindex>"""
    result = parse_sitemap(index.encode(), f"{SITE}/sitemap.xml")
    assert result.ok and result.kind == "sitemapindex" and result.entries == []
    assert result.sitemaps == [f"{SITE}/sitemaps/2025-09.xml", f"{SITE}/sitemaps/news.xml.gz"]


def test_a_gzipped_sitemap_is_read_and_a_gzip_bomb_is_refused():
    assert len(parse_sitemap(gzip.compress(NEWS_SITEMAP.encode()), SITE).entries) == 2
    bomb = gzip.compress(bytes(60 * 1024 * 1024))
    result = parse_sitemap(bomb, SITE)
    assert result.entries == [] and "bom nén" in result.error


@pytest.mark.parametrize("document", [
    BILLION_LAUGHS.replace(b"<rss", b"<urlset").replace(b"</rss>", b"</urlset>"),
    b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "http://169.254.169.254/">]><urlset><url><loc>&x;</loc></url></urlset>',
    b"oops<!DOCTYPE urlset [<!ENTITY a 'b'>]><urlset><url><loc>https://a.vn/x</loc></url>",
])
def test_a_sitemap_with_a_dtd_is_refused(document):
    result = parse_sitemap(document, SITE)
    assert result.entries == [] and "an toàn" in result.error


def test_a_broken_sitemap_gives_the_addresses_it_could_read_and_a_foreign_one_is_an_error():
    cut = f"<urlset><url><loc>{SITE}/a-1.html</loc></url><url><loc>{SITE}/b-2.html</loc></url><url><lo".encode()
    partial = parse_sitemap(cut, SITE)
    assert [e.url for e in partial.entries] == [f"{SITE}/a-1.html", f"{SITE}/b-2.html"]
    assert "lỗi XML" in partial.warning
    assert "không phải sơ đồ trang" in parse_sitemap(RSS.encode(), SITE).error.lower()
    assert parse_sitemap(b"<html><p>no</p>", SITE).error
    assert parse_sitemap(b"", SITE).error


# --- Listing pages --------------------------------------------------------------------------

LISTING = f"""<!doctype html><html><head><meta charset="utf-8"><title>Chính trị</title>
<link rel="stylesheet" href="/static/site.css"></head><body>
<header><a href="/">Trang chủ</a><a href="/chinh-tri">Chính trị</a><a href="/kinh-te">Kinh tế</a></header>
<nav class="menu"><a href="/xa-hoi">Xã hội</a><a href="/quoc-te-doi-ngoai">Quốc tế - Đối ngoại</a></nav>
<div class="breadcrumb"><a href="/chinh-tri/dang-va-chinh-quyen-thanh-pho">Đảng và chính quyền</a></div>
<main>
  <article><a href="/chinh-tri/hoi-nghi-thong-tin-doi-ngoai-nam-2025-123456.html"><img src="/img/a.jpg" alt=""></a>
    <h3><a href="/chinh-tri/hoi-nghi-thong-tin-doi-ngoai-nam-2025-123456.html?utm_source=home#binh-luan">Hội nghị thông tin đối ngoại năm 2025</a></h3>
    <a href="/tag/doi-ngoai" rel="tag">đối ngoại</a> <a href="/chu-de/hai-phong-2025">Hải Phòng 2025</a></article>
  <article><h3><a href="https://www.baohaiphong.vn/chinh-tri/doan-dai-bieu-thanh-pho-tham-nhat-ban.html">Đoàn đại biểu thành phố thăm Nhật Bản</a></h3></article>
  <article><h3><a href="{SITE}/Pages/ChiTiet.aspx?ItemID=98765">Tin từ cổng cũ</a></h3></article>
  <article><h3><a href="/2025/09/02/le-chao-co">Lễ chào cờ</a></h3></article>
  <a href="https://vnexpress.net/hai-phong-mo-rong-cang-lach-huyen-4870123.html">Báo khác</a>
  <a href="/uploads/bao-cao-tong-ket-cong-tac-doi-ngoai.pdf">Báo cáo (PDF)</a>
  <a href="/img/anh-hoi-nghi-doi-ngoai-lon.jpg">Ảnh</a>
  <a href="javascript:void(0)">Xem thêm</a> <a href="mailto:toasoan@baohaiphong.vn">Liên hệ</a>
  <div class="pagination"><a href="/chinh-tri/trang-2">2</a><a href="/chinh-tri?page=3">3</a></div>
  <a href="/chinh-tri/page/4">4</a> <a href="/tim-kiem?q=hai+phong">Tìm</a> <a href="/dang-nhap">Đăng nhập</a>
</main>
<footer><a href="/gioi-thieu">Giới thiệu</a><a href="/lien-he">Liên hệ</a>
  <a href="/chinh-tri/tin-trong-footer-khong-lay-ve-123999.html">Tin trong chân trang</a></footer>
</body></html>"""


def test_a_listing_page_gives_its_article_links_absolute_deduplicated_and_in_order():
    assert links_from_listing(LISTING, f"{SITE}/chinh-tri") == [
        f"{SITE}/chinh-tri/hoi-nghi-thong-tin-doi-ngoai-nam-2025-123456.html",
        "https://www.baohaiphong.vn/chinh-tri/doan-dai-bieu-thanh-pho-tham-nhat-ban.html",
        f"{SITE}/Pages/ChiTiet.aspx?ItemID=98765",
        f"{SITE}/2025/09/02/le-chao-co",
    ]


def test_a_listing_page_made_of_navigation_only_or_of_nothing_gives_nothing():
    assert links_from_listing('<nav><a href="/chinh-tri">Chính trị</a></nav>', SITE) == []
    assert links_from_listing("", SITE) == []
    assert links_from_listing("\x00\x01 không phải HTML", SITE) == []
    # A page whose markup wraps everything in a header still gives its articles.
    wrapped = '<header><a href="/tin/mot-bai-viet-rat-dai-123456.html">Một bài</a></header>'
    assert links_from_listing(wrapped, SITE) == [f"{SITE}/tin/mot-bai-viet-rat-dai-123456.html"]


# --- From a (local) server to entries -------------------------------------------------------


def test_a_feed_fetched_from_a_server_becomes_entries():
    policy = FetchPolicy(allow_loopback=True, min_host_interval=0, retries=0,
                         cache=LocMemCache(f"feeds-{uuid.uuid4()}", {}))
    with serve({"/rss": Reply(body=RSS, gzip=True, headers={"Content-Type": "application/rss+xml"})}) as server:
        fetched = fetch(server.url("/rss"), policy=policy)
    assert fetched.ok
    result = parse_feed(fetched.content, fetched.final_url)
    assert [e.title for e in result.entries] == ["Hải Phòng đón đoàn doanh nghiệp Hàn Quốc", "Kỷ niệm Ngày Quốc khánh 2/9"]
    assert result.entries[0].url == server.url("/kinh-te/hai-phong-don-doan-doanh-nghiep-han-quoc-123456.html")
