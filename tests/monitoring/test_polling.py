"""Polling the sources: feeds, news sitemaps and listing pages become stored articles; what
goes wrong — broken or hostile feeds and pages — is written on the source's health and never
stops the job.

Every site here is a local server speaking real HTTP (tests/monitoring/servers.py).
"""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from doingoai.core.models import JobRecord, Role
from doingoai.monitoring import polling
from doingoai.monitoring.models import Article, Source, SourceCheck
from doingoai.monitoring.pipeline.fetch import FetchPolicy, Timeouts
from tests.monitoring.servers import (
    NewsArticle,
    Reply,
    article_html,
    encode_cp1258,
    gzip_zeros_stream,
    listing_html,
    news_sitemap,
    redirect,
    repeat_stream,
    rss_feed,
    serve,
)

MiB = 1024 * 1024
POLL_TASK = "doingoai.monitoring.tasks.poll_source"

# The politeness delay between two requests to one host is the fetcher's own business
# (tests/monitoring/test_fetch.py); here the local site answers at once.
FAST = FetchPolicy(min_host_interval=0, retries=0, timeout=Timeouts(connect=2, read=5, total=10), allow_loopback=True)


def _paragraphs(subject: str, place: str) -> list[str]:
    return [
        f"Sáng nay, Ủy ban nhân dân thành phố Hải Phòng tổ chức hội nghị về {subject} với sự tham dự "
        f"của lãnh đạo các sở, ngành và đại diện nhân dân {place}.",
        f"Phát biểu tại hội nghị, Phó Chủ tịch Ủy ban nhân dân thành phố nhấn mạnh {subject} là nhiệm vụ "
        "trọng tâm trong năm nay, đòi hỏi sự vào cuộc quyết liệt của cả hệ thống chính trị.",
        f"Theo báo cáo, trong chín tháng đầu năm, {place} đã hoàn thành phần lớn các chỉ tiêu đề ra; "
        "nhiều công trình trọng điểm được khởi công đúng tiến độ, đời sống người dân được cải thiện rõ rệt.",
        "Kết luận hội nghị, lãnh đạo thành phố yêu cầu các đơn vị tập trung tháo gỡ khó khăn, đẩy nhanh "
        "tiến độ giải ngân vốn đầu tư công và tăng cường công tác thông tin, tuyên truyền tới người dân.",
    ]


ARTICLES = [
    NewsArticle("/thoi-su/hai-phong-day-manh-cai-cach-hanh-chinh-101.html",
                "Hải Phòng đẩy mạnh cải cách hành chính", _paragraphs("cải cách hành chính", "quận Lê Chân"),
                "2025-09-01T08:00:00+07:00"),
    NewsArticle("/kinh-te/cang-lach-huyen-don-tau-container-lon-102.html",
                "Cảng Lạch Huyện đón tàu container lớn nhất", _paragraphs("phát triển cảng biển", "huyện Cát Hải"),
                "2025-09-01T10:30:00+07:00"),
    NewsArticle("/xa-hoi/cat-ba-don-luong-khach-ky-luc-103.html",
                "Cát Bà đón lượng khách du lịch kỷ lục", _paragraphs("phát triển du lịch", "đảo Cát Bà"),
                "2025-09-01T14:15:00+07:00"),
]


@pytest.fixture(autouse=True)
def loopback(settings):
    """The local sites listen on 127.0.0.1, which the fetcher refuses unless told."""
    settings.DOINGOAI_FETCH_ALLOW_LOOPBACK = True


def pages(articles, **reply):
    return {a.path: Reply(body=article_html(a), **reply) for a in articles}


def make_source(**fields) -> Source:
    fields.setdefault("name", "Báo Hải Phòng điện tử")
    fields.setdefault("kind", Source.Kind.LOCAL)
    fields.setdefault("polling", True)
    return Source.objects.create(**fields)


def summary_of(source: Source) -> SourceCheck:
    return source.checks.filter(message__startswith="Lấy tin").first()


def failures_of(source: Source) -> list[SourceCheck]:
    return list(source.checks.filter(ok=False).exclude(message__startswith="Lấy tin"))


# --- A feed -------------------------------------------------------------------------------------


def test_a_feed_of_three_articles_stores_three_with_the_source_and_a_second_poll_asks_if_it_changed(db):
    def feed(request):
        if request.headers.get("if-none-match") == '"ban-tin-1"':
            return Reply(status=304, headers={"ETag": '"ban-tin-1"'})
        return Reply(body=rss_feed(site.url(""), ARTICLES),
                     headers={"Content-Type": "application/rss+xml; charset=utf-8", "ETag": '"ban-tin-1"',
                              "Last-Modified": "Mon, 01 Sep 2025 07:20:00 GMT"})

    with serve({"/rss/tin-moi.rss": feed, **pages(ARTICLES)}) as site:
        source = make_source(feed_urls=[site.url("/rss/tin-moi.rss")])
        polling.poll_source(source.pk, policy=FAST)

        stored = Article.objects.filter(source=source).order_by("published_at")
        assert [a.title for a in stored] == [a.title for a in ARTICLES]
        assert "Lê Chân" in stored[0].text and "<p>" in stored[0].html
        # The time comes from the feed entry.
        assert stored[0].published_at == datetime.datetime(2025, 9, 1, 1, 0, tzinfo=datetime.UTC)
        check = summary_of(source)
        assert check.ok and check.new_articles == 3 and check.status == 200 and check.seconds > 0
        assert "lưu 3 bài mới" in check.message
        source.refresh_from_db()
        assert source.last_success_at and source.error_streak == 0 and source.last_error == ""
        assert source.http_cache[site.url("/rss/tin-moi.rss")]["etag"] == '"ban-tin-1"'

        polling.poll_source(source.pk, policy=FAST)

        assert Article.objects.filter(source=source).count() == 3
        second = site.requests_to("/rss/tin-moi.rss")[-1]
        assert second.headers["if-none-match"] == '"ban-tin-1"'
        assert second.headers["if-modified-since"] == "Mon, 01 Sep 2025 07:20:00 GMT"
        assert all(site.hits(a.path) == 1 for a in ARTICLES)  # nothing fetched twice
        again = summary_of(source)
        assert again.ok and again.new_articles == 0 and again.status == 304
        assert "không thay đổi (HTTP 304)" in again.message


def test_an_article_already_stored_is_not_fetched_again_even_through_another_address(db):
    with serve(pages(ARTICLES[:1])) as site:
        site.routes["/rss"] = Reply(body=rss_feed(site.url(""), ARTICLES[:1]),
                                    headers={"Content-Type": "application/rss+xml"})
        source = make_source(feed_urls=[site.url("/rss")])
        polling.poll_source(source.pk, policy=FAST)
        tagged = NewsArticle(ARTICLES[0].path + "?utm_source=rss&utm_medium=feed", ARTICLES[0].title,
                             ARTICLES[0].paragraphs)
        site.routes["/rss"] = Reply(body=rss_feed(site.url(""), [tagged]), headers={"Content-Type": "application/rss+xml"})
        polling.poll_source(source.pk, policy=FAST)
        assert site.hits(ARTICLES[0].path) == 1 and Article.objects.count() == 1
        assert "1 bài đã có, lưu 0 bài mới" in summary_of(source).message


def test_at_most_fifty_new_articles_are_fetched_in_one_poll_and_the_rest_the_next_time(db):
    many = [NewsArticle(f"/thoi-su/tin-so-{i}-ve-thanh-pho-cang-{1000 + i}.html", f"Tin thứ {i} về thành phố cảng",
                        _paragraphs(f"nhiệm vụ số {i}", "quận Ngô Quyền")) for i in range(53)]
    with serve({a.path: Reply(status=404) for a in many}) as site:
        site.routes["/rss"] = Reply(body=rss_feed(site.url(""), many), headers={
            "Content-Type": "application/rss+xml", "ETag": '"nhieu"'})
        source = make_source(feed_urls=[site.url("/rss")])
        polling.poll_source(source.pk, policy=FAST)
        assert sum(site.hits(a.path) for a in many) == polling.MAX_ARTICLES_PER_POLL
        assert "còn 3 bài để lần sau" in summary_of(source).message
        source.refresh_from_db()
        assert site.url("/rss") not in source.http_cache  # the feed must be read again in full


# --- A news sitemap and a listing page --------------------------------------------------------------


def test_a_news_sitemap_and_a_listing_page_bring_their_articles(db):
    in_sitemap, in_listing = ARTICLES[:2], ARTICLES[2:]
    with serve({**pages(ARTICLES)}) as site:
        site.routes["/sitemap-news.xml"] = Reply(body=news_sitemap(site.url(""), in_sitemap),
                                                 headers={"Content-Type": "application/xml"})
        site.routes["/thoi-su/"] = Reply(body=listing_html(in_listing))
        source = make_source(sitemap_urls=[site.url("/sitemap-news.xml")], listing_urls=[site.url("/thoi-su/")])
        polling.poll_source(source.pk, policy=FAST)

        assert set(Article.objects.filter(source=source).values_list("title", flat=True)) == {a.title for a in ARTICLES}
        assert site.hits("/chuyen-muc/kinh-te/") == 0 and site.hits("/thoi-su/trang-2/") == 0  # menus, pages: not articles
        sitemap_article = Article.objects.get(title=ARTICLES[0].title)
        assert sitemap_article.published_at == datetime.datetime(2025, 9, 1, 1, 0, tzinfo=datetime.UTC)
        # The listing gives no time: the page's own (htmldate) is used.
        listing_article = Article.objects.get(title=ARTICLES[2].title)
        assert timezone.localtime(listing_article.published_at).date() == datetime.date(2025, 9, 1)
        assert summary_of(source).ok and summary_of(source).new_articles == 3


# --- Bad input ------------------------------------------------------------------------------------

BROKEN_FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Tin hỏng</title><item><title>Mục'
ENTITY_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + ']><rss version="2.0"><channel><title>&lol9;</title></channel></rss>'
)


def test_broken_and_hostile_feeds_are_written_on_the_health_and_the_good_feed_still_counts(db):
    with serve({
        "/rss/hong.rss": Reply(body=BROKEN_FEED, headers={"Content-Type": "application/rss+xml"}),
        "/rss/bom-thuc-the.rss": Reply(body=ENTITY_BOMB, headers={"Content-Type": "application/rss+xml"}),
        "/rss/bom-nen.rss": Reply(body=gzip_zeros_stream(1024 * MiB), content_length=False,
                                  headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}),
        "/rss/chuyen-huong.rss": redirect("http://169.254.169.254/latest/meta-data/"),
        **pages(ARTICLES),
    }) as site:
        site.routes["/rss/tot.rss"] = Reply(body=rss_feed(site.url(""), ARTICLES),
                                            headers={"Content-Type": "application/rss+xml"})
        source = make_source(feed_urls=[site.url(p) for p in (
            "/rss/hong.rss", "/rss/bom-thuc-the.rss", "/rss/bom-nen.rss", "/rss/chuyen-huong.rss", "/rss/tot.rss")])

        polling.poll_source(source.pk, policy=FAST)  # does not raise

        assert Article.objects.filter(source=source).count() == 3
        messages = {c.url.rsplit("/", 1)[-1]: c.message for c in failures_of(source)}
        assert messages["hong.rss"].startswith("Không đọc được nguồn RSS/Atom")
        assert "billion laughs" in messages["bom-thuc-the.rss"]
        assert "bom nén" in messages["bom-nen.rss"]
        assert "169.254.169.254" in messages["chuyen-huong.rss"] and "link-local" in messages["chuyen-huong.rss"]
        check = summary_of(source)
        assert not check.ok and check.new_articles == 3 and "4 địa chỉ lỗi" in check.message
        source.refresh_from_db()
        assert source.error_streak == 1 and source.last_error_at and source.last_error
        assert source.last_success_at is None


def test_hostile_article_pages_are_refused_one_by_one_and_the_others_stored(db):
    internal = NewsArticle("/thoi-su/mang-noi-bo-bi-tu-choi-201.html", "Chuyển hướng vào mạng nội bộ", ["—"])
    metadata = NewsArticle("/thoi-su/dich-vu-metadata-bi-tu-choi-202.html", "Chuyển hướng tới metadata", ["—"])
    huge = NewsArticle("/thoi-su/trang-nang-nam-muoi-megabyte-203.html", "Trang nặng 50 MB", ["—"])
    bomb = NewsArticle("/thoi-su/trang-bom-nen-gzip-204.html", "Trang bom nén", ["—"])
    old_charset = NewsArticle("/thoi-su/trang-bang-ma-windows-1258-205.html",
                              "Người dân phấn khởi đón Tết Độc lập", _paragraphs("đón Tết Độc lập", "quận Hồng Bàng"),
                              "2025-09-02T07:00:00+07:00")
    listed = [ARTICLES[0], internal, metadata, huge, bomb, old_charset, ARTICLES[1]]
    with serve({
        internal.path: redirect("http://10.0.0.1/quan-tri"),
        metadata.path: redirect("http://169.254.169.254/latest/meta-data/iam/"),
        huge.path: Reply(body=repeat_stream(b"<p>Tin dai</p>" * 1000, 50 * MiB), content_length=False),
        bomb.path: Reply(body=gzip_zeros_stream(1024 * MiB), content_length=False, headers={"Content-Encoding": "gzip"}),
        # windows-1258 announced nowhere, neither in the header nor in the page
        old_charset.path: Reply(body=encode_cp1258(article_html(old_charset, charset=None)),
                                headers={"Content-Type": "text/html"}),
        **pages(ARTICLES[:2]),
    }) as site:
        site.routes["/rss"] = Reply(body=rss_feed(site.url(""), listed), headers={"Content-Type": "application/rss+xml"})
        source = make_source(feed_urls=[site.url("/rss")])

        polling.poll_source(source.pk, policy=FAST)

        titles = set(Article.objects.filter(source=source).values_list("title", flat=True))
        assert titles == {ARTICLES[0].title, ARTICLES[1].title, "Người dân phấn khởi đón Tết Độc lập"}
        messages = {c.url.rsplit("/", 1)[-1]: c.message for c in failures_of(source)}
        assert len(messages) == 4
        assert "10.0.0.1" in messages[internal.path.rsplit("/", 1)[-1]]
        assert "169.254.169.254" in messages[metadata.path.rsplit("/", 1)[-1]]
        assert "vượt giới hạn" in messages[huge.path.rsplit("/", 1)[-1]] and "MiB" in messages[huge.path.rsplit("/", 1)[-1]]
        assert "bom nén" in messages[bomb.path.rsplit("/", 1)[-1]]
        assert all(m.startswith("Không tải được bài") for m in messages.values())
        # The feed itself was read: the poll succeeded, with four pages refused.
        check = summary_of(source)
        assert check.ok and check.new_articles == 3 and "4 địa chỉ lỗi" in check.message
        source.refresh_from_db()
        assert source.error_streak == 0 and source.last_error in messages.values()


def test_an_unreachable_feed_counts_an_error_streak_that_a_success_ends(db):
    with serve({"/rss": [Reply(status=503, body="Bảo trì"), Reply(status=500), Reply(status=200)]}) as site:
        source = make_source(feed_urls=[site.url("/rss")])
        polling.poll_source(source.pk, policy=FAST)
        polling.poll_source(source.pk, policy=FAST)
        source.refresh_from_db()
        assert source.error_streak == 2 and "HTTP 500" in source.last_error
        assert "Lấy tin thất bại" in summary_of(source).message
        site.routes["/rss"] = Reply(body=rss_feed(site.url(""), []), headers={"Content-Type": "application/rss+xml"})
        polling.poll_source(source.pk, policy=FAST)
        source.refresh_from_db()
        assert source.error_streak == 0 and source.last_success_at is not None


def test_a_source_without_any_address_says_so(db):
    source = make_source()
    polling.poll_source(source.pk, policy=FAST)
    assert "chưa có địa chỉ RSS/Atom" in failures_of(source)[0].message
    assert polling.poll_source(999_999, policy=FAST) is None  # a source deleted meanwhile: nothing to do


def test_a_script_in_a_title_never_reaches_the_health_page_as_markup(db, make_person, signed_in):
    hostile = NewsArticle("/thoi-su/tieu-de-co-ma-doc-301.html", "<script>alert('xss')</script> Tin nóng Hải Phòng",
                          _paragraphs("an ninh mạng", "quận Hải An"))
    trap = "/thoi-su/<script>alert(3)</script>-bai-khong-ton-tai-302.html"
    with serve(pages([hostile])) as site:
        extra = (f"<item><title>&lt;script&gt;alert(2)&lt;/script&gt;Bẫy</title><link>{site.url('')}"
                 f"{trap.replace('<', '&lt;').replace('>', '&gt;')}</link></item>"
                 "<item><title><![CDATA[<img src=x onerror=alert(4)>]]></title><link>javascript:alert(5)</link></item>")
        site.routes["/rss"] = Reply(body=rss_feed(site.url(""), [hostile]).replace("</channel>", extra + "</channel>"),
                                    headers={"Content-Type": "application/rss+xml"})
        source = make_source(name="Báo <b>Thử</b>", feed_urls=[site.url("/rss")])
        polling.poll_source(source.pk, policy=FAST)
    article = Article.objects.get(source=source)
    assert article.title == "Tin nóng Hải Phòng"  # the extraction keeps the words, not the script
    failure = failures_of(source)[0]
    assert "<script>alert(3)</script>" in failure.url and "HTTP 404" in failure.message

    body = signed_in(make_person(Role.CHUYEN_VIEN, "TTBCXB")).get(
        reverse("monitoring_source_health_detail", args=[source.pk])).content.decode()
    assert "Tin nóng Hải Phòng" in body
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in body and "&lt;b&gt;Thử&lt;/b&gt;" in body  # shown as text
    assert "<script>alert" not in body and "<b>Thử</b>" not in body and "onerror" not in body


# --- Scheduling -------------------------------------------------------------------------------------


def test_enqueue_due_claims_each_due_source_once_however_many_schedulers_run(db, empty_queue):
    now = timezone.now()
    due = make_source(name="Báo Hải Phòng", next_poll_at=None, poll_minutes=30)
    late = make_source(name="Cổng thông tin thành phố", next_poll_at=now - datetime.timedelta(minutes=5))
    later = make_source(name="Báo Tin tức", next_poll_at=now + datetime.timedelta(minutes=10))
    make_source(name="Báo tắt", active=False)
    make_source(name="Báo không tự động lấy tin", polling=False)

    assert polling.enqueue_due(now) == 2
    assert polling.enqueue_due(now) == 0  # a second scheduler at the same moment

    polled = JobRecord.objects.filter(task_path=POLL_TASK)
    assert sorted(r.args[0] for r in polled) == sorted([due.pk, late.pk])
    due.refresh_from_db()
    assert due.next_poll_at == now + datetime.timedelta(minutes=30)
    # Half an hour on, all three are due again; the polls are enqueued once each, as before.
    assert polling.enqueue_due(now + datetime.timedelta(minutes=31)) == 3
    assert polling.enqueue_due(now + datetime.timedelta(minutes=31)) == 0
    assert sorted(r.args[0] for r in JobRecord.objects.filter(task_path=POLL_TASK)) == sorted(
        [due.pk, late.pk, due.pk, late.pk, later.pk])


def test_two_schedulers_that_read_the_same_due_source_enqueue_it_once(db, empty_queue):
    source = make_source()
    seen = Source.objects.get(pk=source.pk)  # both read it before either claims it
    token = polling.poll_token(seen)
    assert polling.request_poll(seen, token) is True
    assert polling.request_poll(seen, token) is False
    assert JobRecord.objects.filter(task_path=POLL_TASK).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_poll_and_a_refused_address_is_written_on_the_health(doingoai_bin, subprocess_env,
                                                                                     empty_queue):
    # The worker runs with the platform's real settings: loopback is an internal address there.
    with serve({"/rss": Reply(body=rss_feed("http://127.0.0.1", ARTICLES))}) as site:
        source = make_source(feed_urls=[site.url("/rss")])
        assert polling.enqueue_due() == 1
        proc = subprocess.run([doingoai_bin, "worker", "--burst"], env=subprocess_env, capture_output=True,
                              text=True, timeout=180)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert site.hits("/rss") == 0  # refused before any connection
    record = JobRecord.objects.get(task_path=POLL_TASK)
    assert record.status == JobRecord.Status.SUCCESSFUL
    failure = failures_of(source)[0]
    assert "loopback" in failure.message and failure.message.startswith("Không tải được nguồn RSS/Atom")
    source.refresh_from_db()
    assert source.error_streak == 1
