"""Safe fetching — one fetcher for the whole platform.

Every server here is local (tests/monitoring/servers.py). Connections are observed through
the interpreter's audit events ("socket.connect"): nothing is patched to prove that a
refused address is never connected to.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
import tracemalloc
import unicodedata
import uuid
import zlib

import pytest
from django.core.cache.backends.locmem import LocMemCache
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from doingoai.monitoring.pipeline import fetch as fetch_module
from doingoai.monitoring.pipeline.fetch import (
    BlockedAddress,
    FetchPolicy,
    FetchResult,
    Timeouts,
    address_problem,
    decode_text,
    describe,
    fetch,
    make_client,
    robots_allows,
    wait_for_host,
)
from tests.monitoring.servers import (
    Reply,
    encode_cp1258,
    gzip_bytes,
    gzip_zeros_stream,
    redirect,
    repeat_stream,
    serve,
)

MiB = 1024 * 1024
PAGE = "<html><head><title>Tin</title></head><body><p>Thành phố Hải Phòng đón đoàn công tác.</p></body></html>"

# --- Observing connections ------------------------------------------------------------------

_CONNECTS: list[tuple] = []
_RECORDING = threading.Event()


def _audit(event: str, args: tuple) -> None:
    if event == "socket.connect" and _RECORDING.is_set():
        _CONNECTS.append(tuple(args[1])[:2])


sys.addaudithook(_audit)


@pytest.fixture
def connects():
    """The (address, port) of every TCP connection this process opens during the test."""
    _CONNECTS.clear()
    _RECORDING.set()
    yield _CONNECTS
    _RECORDING.clear()


class FakeTime:
    """A wall clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1_750_000_000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def clock():
    return FakeTime()


@pytest.fixture
def policy(clock):
    """Loopback opened (the test servers live there), no spacing, no retries, a fake clock and
    a cache of its own; each test changes what it is about with ``.replace``."""
    return FetchPolicy(
        allow_loopback=True, min_host_interval=0, retries=0,
        clock=clock.time, sleep=clock.sleep, cache=LocMemCache(f"fetch-{uuid.uuid4()}", {}),
    )


# --- A normal page --------------------------------------------------------------------------


def test_a_page_comes_back_with_status_type_charset_size_and_nfc_text(policy):
    decomposed = unicodedata.normalize("NFD", PAGE)
    with serve({"/tin": Reply(body=decomposed, headers={"Content-Type": "text/html; charset=utf-8"})}) as server:
        result = fetch(server.url("/tin"), policy=policy)

    assert result.ok and result.error is None and result.error_kind is None
    assert result.status == 200
    assert result.final_url == server.url("/tin") and result.redirects == []
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.content == decomposed.encode("utf-8")
    assert result.text == PAGE  # composed (NFC), whatever the page used
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert result.elapsed > 0 and not result.not_modified


def test_the_request_names_the_platform_in_ascii_and_asks_only_for_gzip_and_deflate(policy):
    with serve({"/": Reply(body="ok")}) as server:
        fetch(server.url("/"), policy=policy)
    request = server.requests_to("/")[0]
    assert request.headers["user-agent"].startswith("doingoai/1.0 (+")
    assert "theo doi bao chi cong khai" in request.headers["user-agent"]
    assert request.headers["accept-encoding"] == "gzip, deflate"
    assert request.headers["accept-language"].startswith("vi")


def test_the_default_policy_is_the_one_the_issue_describes():
    policy = FetchPolicy()
    assert policy.timeout == Timeouts(connect=5, read=15, total=30)
    assert policy.max_bytes == policy.max_decompressed_bytes == 10 * MiB
    assert policy.max_redirects == 5 and policy.retries == 2 and policy.backoff == 0.5
    assert policy.respect_robots and policy.min_host_interval == 2.0
    assert policy.user_agent.startswith("doingoai/1.0 (+") and "theo dõi báo chí công khai" in policy.user_agent
    assert policy.allow_loopback is False


def test_loopback_opens_only_through_the_setting(settings):
    settings.DOINGOAI_FETCH_ALLOW_LOOPBACK = True
    assert FetchPolicy().allow_loopback is True
    settings.DOINGOAI_FETCH_ALLOW_LOOPBACK = False
    assert FetchPolicy().allow_loopback is False


# --- Conditional GET ------------------------------------------------------------------------


def test_etag_and_last_modified_are_sent_back_and_304_means_not_modified(policy):
    stamp = "Mon, 01 Sep 2025 01:30:00 GMT"

    def feed(request):
        if request.headers.get("if-none-match") == '"v1"' or request.headers.get("if-modified-since") == stamp:
            return Reply(status=304, headers={"ETag": '"v1"'})
        return Reply(body="<rss/>", headers={"ETag": '"v1"', "Last-Modified": stamp, "Content-Type": "application/rss+xml"})

    with serve({"/rss": feed}) as server:
        first = fetch(server.url("/rss"), policy=policy)
        by_etag = fetch(server.url("/rss"), policy=policy, etag=first.etag)
        by_date = fetch(server.url("/rss"), policy=policy, last_modified=first.last_modified)

    assert first.status == 200 and first.etag == '"v1"' and first.last_modified == stamp
    assert not first.not_modified and first.content == b"<rss/>"
    for again in (by_etag, by_date):
        assert again.status == 304 and again.not_modified and again.ok
        assert again.content == b"" and again.text is None
    sent = server.requests_to("/rss")
    assert sent[1].headers["if-none-match"] == '"v1"'
    assert sent[2].headers["if-modified-since"] == stamp


# --- Compression and size caps --------------------------------------------------------------


@pytest.mark.parametrize("encoding, encode", [
    ("gzip", gzip_bytes),
    ("deflate", zlib.compress),  # zlib-wrapped, as the RFC says
    ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
    ("br", lambda data: __import__("brotli").compress(data)),  # not asked for, still decoded
])
def test_compressed_pages_are_decoded_here(policy, encoding, encode):
    body = PAGE.encode("utf-8") * 50
    with serve({"/": Reply(body=encode(body), headers={"Content-Encoding": encoding})}) as server:
        result = fetch(server.url("/"), policy=policy)
    assert result.ok, result.error
    assert result.content == body
    assert result.text.startswith("<html>")


def test_a_gzip_stream_of_several_members_is_read_whole(policy):
    body = gzip_bytes(b"<p>Ph\xe1\xba\xa7n m\xe1\xbb\x99t</p>") + gzip_bytes(b"<p>two</p>")
    with serve({"/": Reply(body=body, headers={"Content-Encoding": "gzip"})}) as server:
        result = fetch(server.url("/"), policy=policy)
    assert result.text == "<p>Phần một</p><p>two</p>"


def test_a_50_mb_page_is_cut_at_10_mib_without_holding_it_in_memory(policy):
    fifty_mb = repeat_stream("<p>Hải Phòng</p>".encode().ljust(64 * 1024, b" "), 50 * MiB)
    with serve({"/big": Reply(body=fifty_mb, content_length=False)}) as server:
        tracemalloc.start()
        started = time.monotonic()
        result = fetch(server.url("/big"), policy=policy)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert result.error_kind == "too-large"
    assert "10,0 MiB" in result.error
    assert result.content == b"" and result.text is None
    assert peak < 16 * MiB  # never the 50 MB, at most the cap and a chunk
    assert elapsed < 5


def test_a_declared_length_over_the_cap_is_refused_without_reading_the_body(policy):
    sent = []

    def body():
        for chunk in repeat_stream(b"x" * 65536, 50 * MiB)():
            sent.append(len(chunk))
            yield chunk

    with serve({"/big": Reply(body=body, content_length=50 * MiB)}) as server:
        result = fetch(server.url("/big"), policy=policy)
    assert result.error_kind == "too-large" and result.status == 200
    assert "khai báo 50,0 MiB" in result.error
    assert sum(sent) < 20 * MiB  # the client hung up; the server could only fill socket buffers


def test_ten_megabytes_of_zeros_gzipped_to_a_few_kilobytes_is_a_decompression_bomb(policy):
    bomb = gzip_bytes(bytes(10_000_000))
    assert len(bomb) < 20_000
    with serve({"/bomb": Reply(body=bomb, headers={"Content-Encoding": "gzip"})}) as server:
        result = fetch(server.url("/bomb"), policy=policy)
    # 10 MB is under the 10 MiB size cap: the compression ratio gives it away.
    assert result.error_kind == "decompression-bomb"
    assert "bom nén" in result.error
    assert result.content == b""


def test_a_one_gigabyte_gzip_bomb_streamed_lazily_is_stopped_early_and_cheaply(policy):
    with serve({"/bomb": Reply(body=gzip_zeros_stream(1024 * MiB), headers={"Content-Encoding": "gzip"})}) as server:
        tracemalloc.start()
        started = time.monotonic()
        result = fetch(server.url("/bomb"), policy=policy)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert result.error_kind == "decompression-bomb"
    assert peak < 16 * MiB
    assert elapsed < 3


def test_the_decompressed_size_is_capped_even_when_the_ratio_looks_normal(policy):
    # Text that compresses only ~2:1 but inflates past the cap.
    import random

    alphabet = b"abcdefghijklmnopqrstuvwxyz .,0123"
    body = random.Random(7).randbytes(3 * MiB).translate(bytes(alphabet[i % len(alphabet)] for i in range(256)))
    limited = policy.replace(max_decompressed_bytes=1 * MiB, max_compression_ratio=None)
    with serve({"/": Reply(body=gzip_bytes(body), headers={"Content-Encoding": "gzip"})}) as server:
        result = fetch(server.url("/"), policy=limited)
    assert result.error_kind == "decompression-bomb"
    assert "1,0 MiB" in result.error


@pytest.mark.parametrize("encoding, body", [
    ("zstd", b"\x28\xb5\x2f\xfd whatever"),
    ("gzip", b"this is not gzip at all"),
    ("gzip, gzip, gzip", gzip_bytes(gzip_bytes(gzip_bytes(b"x")))),
])
def test_unknown_or_corrupt_compression_is_an_error_not_a_crash(policy, encoding, body):
    with serve({"/": Reply(body=body, headers={"Content-Encoding": encoding})}) as server:
        result = fetch(server.url("/"), policy=policy)
    assert result.error_kind == "bad-encoding"
    assert result.error


# --- Redirects and addresses ----------------------------------------------------------------


def test_a_redirect_chain_ends_at_the_final_url_and_lists_the_redirects(policy):
    with serve({"/a": redirect("/b", 301), "/b": redirect("c", 302), "/c": redirect("/tin?id=1", 307),
                "/tin": Reply(body=PAGE)}) as server:
        result = fetch(server.url("/a"), policy=policy)
    assert result.ok and result.status == 200
    assert result.final_url == server.url("/tin?id=1")
    assert result.redirects == [server.url("/a"), server.url("/b"), server.url("/c")]
    assert "Thành phố Hải Phòng" in result.text


def test_five_redirects_are_followed_and_a_sixth_is_an_error(policy):
    routes = {f"/{i}": redirect(f"/{i + 1}") for i in range(6)} | {"/6": Reply(body="đích")}
    with serve(routes | {"/vong": redirect("/vong")}) as server:
        five = fetch(server.url("/1"), policy=policy)
        six = fetch(server.url("/0"), policy=policy)
        loop = fetch(server.url("/vong"), policy=policy)
    assert five.ok and five.text == "đích" and len(five.redirects) == 5
    assert six.error_kind == loop.error_kind == "too-many-redirects"
    assert "quá 5 lần" in six.error
    assert six.redirects == [server.url(f"/{i}") for i in range(6)]  # five followed, the sixth refused
    assert six.final_url == server.url("/6") and six.status is None  # where it would have gone next
    assert server.hits("/vong") == 6


@pytest.mark.parametrize("target", [
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://10.0.0.1/",
    "http://192.168.1.1:8080/admin",
    "http://[::ffff:10.0.0.1]/",  # IPv4-mapped IPv6
    "http://[fd00::1]/",
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://[2002:a00:1::1]/",  # 6to4 wrapping 10.0.0.1
])
def test_a_redirect_to_an_internal_address_is_refused_before_any_connection(policy, connects, target):
    with serve({"/go": redirect(target)}) as server:
        started = time.monotonic()
        result = fetch(server.url("/go"), policy=policy)
        elapsed = time.monotonic() - started
    assert result.error_kind == "blocked-address"
    assert "Từ chối truy cập" in result.error and "công khai" in result.error
    assert result.redirects == [server.url("/go")]
    assert result.final_url.startswith(target.split("/latest")[0].rstrip("/"))
    assert result.status is None  # the internal address was never asked
    assert {address for address, _port in connects} == {"127.0.0.1"}
    assert elapsed < 1


def test_loopback_is_refused_when_not_opened(policy, connects):
    closed = policy.replace(allow_loopback=False)
    with serve({"/": Reply(body="bí mật nội bộ")}) as server:
        for url in (server.url("/"), server.url("/", host="localhost"), server.url("/", host="[::1]")):
            result = fetch(url, policy=closed)
            assert result.error_kind == "blocked-address", url
            assert "loopback" in result.error
    assert server.requests == [] and connects == []


def test_a_name_with_any_private_address_is_refused(policy, connects, monkeypatch):
    def resolver(host, port, *args, **kwargs):
        assert host == "tin.example"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]

    monkeypatch.setattr(fetch_module, "_getaddrinfo", resolver)
    result = fetch("http://tin.example/bai-viet", policy=policy)
    assert result.error_kind == "blocked-address" and "10.0.0.5" in result.error
    assert connects == []


def test_the_address_checked_is_the_address_connected_even_if_dns_changes_its_answer(policy, connects, monkeypatch):
    answers = iter(["127.0.0.1"] + ["10.0.0.7"] * 10)  # a rebinding resolver
    asked = []

    def resolver(host, port, *args, **kwargs):
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(fetch_module, "_getaddrinfo", resolver)
    with serve({"/tin": Reply(body=PAGE)}) as server:
        result = fetch(f"http://tin.example:{server.port}/tin", policy=policy.replace(respect_robots=False))
    assert result.ok, result.error
    assert asked == ["tin.example"]  # resolved once, for the check; the connection used that answer
    assert connects == [("127.0.0.1", server.port)]
    assert server.requests_to("/tin")[0].headers["host"] == f"tin.example:{server.port}"


def test_the_client_itself_never_connects_to_an_unchecked_internal_address(policy, connects):
    with make_client(policy) as client, pytest.raises(BlockedAddress):
        client.get("http://10.1.2.3/")
    assert connects == []


def test_fetch_accepts_only_its_own_kind_of_client(policy):
    import httpx

    with httpx.Client() as plain, pytest.raises(TypeError):
        fetch("http://127.0.0.1/", policy=policy, client=plain)


def test_one_client_can_serve_many_fetches(policy):
    with serve({"/a": Reply(body="A"), "/b": Reply(body="B")}) as server, make_client(policy) as client:
        assert fetch(server.url("/a"), policy=policy, client=client).text == "A"
        assert fetch(server.url("/b"), policy=policy, client=client).text == "B"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)", "", "/relative/path",
    "http://", "http://user:secret@example.com/", "gopher://127.0.0.1:25/", "http://exa mple.com/",
])
def test_only_plain_http_and_https_addresses_are_fetched(policy, connects, url):
    result = fetch(url, policy=policy)
    assert result.error_kind == "bad-url"
    assert result.error and connects == []


@pytest.mark.parametrize("address, refused", [
    ("93.184.216.34", False), ("2606:4700::1111", False), ("1.1.1.1", False),
    ("127.0.0.1", True), ("::1", True), ("10.1.2.3", True), ("172.16.0.1", True),
    ("192.168.0.1", True), ("169.254.169.254", True), ("fe80::1", True), ("fc00::1", True),
    ("224.0.0.1", True), ("ff02::1", True), ("240.0.0.1", True), ("0.0.0.0", True), ("::", True),
    ("100.64.0.1", True), ("::ffff:192.168.0.1", True), ("::ffff:8.8.8.8", False),
    ("64:ff9b::a00:1", True), ("64:ff9b::808:808", False), ("2002:c0a8:1::1", True),
])
def test_only_public_unicast_addresses_pass(address, refused):
    assert (address_problem(address) is not None) is refused
    assert address_problem("127.0.0.1", allow_loopback=True) is None
    assert address_problem("10.0.0.1", allow_loopback=True) is not None


# --- robots.txt -----------------------------------------------------------------------------

ROBOTS = "User-agent: *\nDisallow: /rieng-tu/\nAllow: /\n"


def test_robots_txt_is_obeyed_and_a_disallowed_page_is_never_requested(policy):
    with serve({"/robots.txt": Reply(body=ROBOTS, headers={"Content-Type": "text/plain"}),
                "/rieng-tu/a": Reply(body="không được tải"), "/tin": Reply(body=PAGE)}) as server:
        refused = fetch(server.url("/rieng-tu/a"), policy=policy)
        allowed = fetch(server.url("/tin"), policy=policy)
        ignored = fetch(server.url("/rieng-tu/a"), policy=policy.replace(respect_robots=False))
    assert refused.error_kind == "robots" and "robots.txt" in refused.error
    assert allowed.ok and ignored.ok
    assert server.hits("/rieng-tu/a") == 1  # only when robots.txt was not respected
    assert server.hits("/robots.txt") == 1  # cached per site


def test_robots_txt_is_checked_again_at_every_redirect(policy):
    with serve({"/robots.txt": Reply(body=ROBOTS), "/mo": redirect("/rieng-tu/x")}) as server:
        result = fetch(server.url("/mo"), policy=policy)
    assert result.error_kind == "robots" and server.hits("/rieng-tu/x") == 0


@pytest.mark.parametrize("status, allowed", [(404, True), (410, True), (401, False), (403, False),
                                             (500, False), (503, False)])
def test_a_missing_robots_txt_allows_a_forbidden_one_forbids_and_an_unreachable_one_waits(policy, status, allowed):
    with serve({"/robots.txt": Reply(status=status), "/tin": Reply(body=PAGE)}) as server:
        result = fetch(server.url("/tin"), policy=policy)
    assert result.ok is allowed
    if not allowed:
        assert result.error_kind == "robots" and server.hits("/tin") == 0


def test_robots_rules_follow_rfc_9309_longest_match_and_wildcards():
    text = (
        "User-agent: *\nDisallow: /\nAllow: /tin-tuc/\nDisallow: /*.pdf$\nDisallow: /*?in=\n\n"
        "User-agent: doingoai\nDisallow: /khong-cho-doingoai/\nAllow: /\nCrawl-delay: 5\n"
    )
    ua = "doingoai/1.0 (+https://x/; theo dõi báo chí công khai)"
    other = "OtherBot/2.0"
    assert robots_allows(text, other, "https://a.vn/tin-tuc/hai-phong") == (True, None)
    assert robots_allows(text, other, "https://a.vn/chinh-tri")[0] is False
    assert robots_allows(text, other, "https://a.vn/tin-tuc/bao-cao.pdf")[0] is True  # longer Allow wins
    assert robots_allows(text, ua, "https://a.vn/chinh-tri") == (True, 5.0)  # its own group
    assert robots_allows(text, ua, "https://a.vn/khong-cho-doingoai/a") == (False, 5.0)
    wildcard = "User-agent: *\nDisallow: /*.pdf$\nDisallow: /*?in=\n"
    assert robots_allows(wildcard, ua, "https://a.vn/van-ban/a.pdf")[0] is False
    assert robots_allows(wildcard, ua, "https://a.vn/van-ban/a.pdf?x=1")[0] is True
    assert robots_allows(wildcard, ua, "https://a.vn/tin?in=1")[0] is False
    assert robots_allows("", ua, "https://a.vn/x") == (True, None)


def test_a_crawl_delay_in_robots_txt_widens_the_spacing(policy, clock):
    spaced = policy.replace(min_host_interval=2.0)
    robots = "User-agent: *\nCrawl-delay: 7\n"
    with serve({"/robots.txt": Reply(body=robots), "/a": Reply(body="A")}) as server:
        fetch(server.url("/a"), policy=spaced)
        fetch(server.url("/a"), policy=spaced)
    # robots.txt at t=0, the page 2 s later (the minimum), the next one 7 s after that.
    assert clock.sleeps == [2.0, 7.0]


# --- Politeness -----------------------------------------------------------------------------


def test_requests_to_one_host_are_at_least_the_interval_apart(policy, clock):
    spaced = policy.replace(min_host_interval=2.0, respect_robots=False)
    with serve({"/a": Reply(body="A")}) as server:
        for _ in range(3):
            fetch(server.url("/a"), policy=spaced)
        fetch(server.url("/a", host="localhost"), policy=spaced)  # another host: no wait
    assert clock.sleeps == [2.0, 2.0]


def test_turns_are_booked_in_the_shared_cache_so_every_worker_sees_them(clock):
    cache = LocMemCache(f"fetch-{uuid.uuid4()}", {})
    worker_a = FetchPolicy(clock=clock.time, sleep=clock.sleep, cache=cache)
    worker_b = FetchPolicy(clock=clock.time, sleep=clock.sleep, cache=cache)
    assert wait_for_host("baohaiphong.vn", 2.0, worker_a) == 0
    assert wait_for_host("baohaiphong.vn", 2.0, worker_b) == 2.0
    assert wait_for_host("baohaiphong.vn", 2.0, worker_a) == 2.0
    assert wait_for_host("haiphong.gov.vn", 2.0, worker_b) == 0


def test_threads_of_one_process_keep_the_spacing(policy):
    interval = 0.2
    real = policy.replace(min_host_interval=interval, respect_robots=False, clock=time.time, sleep=time.sleep)
    with serve({"/a": Reply(body="A")}) as server:
        threads = [threading.Thread(target=fetch, args=(server.url("/a"),), kwargs={"policy": real}) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    arrivals = sorted(r.at for r in server.requests_to("/a"))
    assert len(arrivals) == 4
    # Unpaced, the four would arrive within milliseconds; paced, they are spread out
    # (arrival times wobble a little with scheduling, hence the margin).
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
    assert min(gaps) > interval / 2
    assert arrivals[-1] - arrivals[0] > 3 * interval - 0.1


# --- Retries --------------------------------------------------------------------------------


def test_a_503_is_retried_with_exponential_back_off_until_it_succeeds(policy, clock):
    retrying = policy.replace(retries=2)
    with serve({"/tin": [Reply(status=503), Reply(status=502), Reply(body=PAGE)]}) as server:
        result = fetch(server.url("/tin"), policy=retrying)
    assert result.ok and result.status == 200
    assert server.hits("/tin") == 3
    assert clock.sleeps == [0.5, 1.0]


def test_retry_after_is_honoured_up_to_a_cap(policy, clock):
    retrying = policy.replace(retries=2)
    with serve({"/a": [Reply(status=429, headers={"Retry-After": "4"}), Reply(body="A")],
                "/b": Reply(status=503, headers={"Retry-After": "3600"})}) as server:
        waited = fetch(server.url("/a"), policy=retrying)
        refused = fetch(server.url("/b"), policy=retrying)
    assert waited.ok and clock.sleeps == [4.0]
    assert refused.error_kind == "http-error" and refused.status == 503
    assert "3600" in refused.error
    assert server.hits("/b") == 1  # an hour is more than we wait: reported, not retried


def test_client_errors_are_not_retried(policy):
    retrying = policy.replace(retries=2)
    with serve({"/gone": Reply(status=404)}) as server:
        result = fetch(server.url("/gone"), policy=retrying)
    assert result.error_kind == "http-error" and result.status == 404
    assert "404" in result.error
    assert server.hits("/gone") == 1


def test_a_refused_connection_is_retried_then_reported(policy, clock):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    result = fetch(f"http://127.0.0.1:{port}/", policy=policy.replace(retries=2, respect_robots=False))
    assert result.error_kind == "connection" and "Không kết nối được" in result.error
    assert clock.sleeps == [0.5, 1.0]


def test_a_server_speaking_garbage_is_a_connection_error(policy):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]

    def answer():
        for _ in range(2):
            conn, _ = listener.accept()
            conn.recv(65536)
            conn.sendall(b"\x00\xffthis is not HTTP\r\n\r\n")
            conn.close()

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        result = fetch(f"http://127.0.0.1:{port}/", policy=policy.replace(respect_robots=False, retries=1))
    finally:
        thread.join(timeout=2)
        listener.close()
    assert result.error_kind == "connection"


def test_https_to_a_server_without_tls_is_a_connection_error(policy):
    with serve({"/": Reply(body="plain http")}) as server:
        result = fetch(f"https://127.0.0.1:{server.port}/", policy=policy.replace(respect_robots=False))
    assert result.error_kind == "connection"


# --- Timeouts -------------------------------------------------------------------------------


def test_a_slow_server_times_out(policy):
    impatient = policy.replace(timeout=Timeouts(connect=1, read=0.3, total=1), respect_robots=False)
    with serve({"/cham": Reply(body="muộn", delay=3)}) as server:
        started = time.monotonic()
        result = fetch(server.url("/cham"), policy=impatient)
        elapsed = time.monotonic() - started
    assert result.error_kind == "timeout" and "không trả dữ liệu" in result.error
    assert elapsed < 1.5


def test_a_body_that_trickles_in_is_stopped_at_the_total_time(policy):
    impatient = policy.replace(timeout=Timeouts(connect=1, read=0.5, total=0.6), respect_robots=False)
    trickle = repeat_stream(b"x" * 100, 100 * 100)
    with serve({"/nho-giot": Reply(body=trickle, chunk_delay=0.1, content_length=False)}) as server:
        started = time.monotonic()
        result = fetch(server.url("/nho-giot"), policy=impatient)
        elapsed = time.monotonic() - started
    assert result.error_kind == "timeout" and "tổng thời gian" in result.error
    assert elapsed < 1.5


# --- Charsets -------------------------------------------------------------------------------

VIETNAMESE = "Thành phố Hải Phòng tổ chức hội nghị thông tin đối ngoại; Sở Thông tin và Truyền thông chủ trì."


def test_a_windows_1258_page_decodes_to_correct_composed_vietnamese(policy):
    body = encode_cp1258(f"<html><body><p>{VIETNAMESE}</p></body></html>")
    assert VIETNAMESE.encode("utf-8") not in body  # really the legacy bytes
    with serve({"/": Reply(body=body, headers={"Content-Type": "text/html; charset=windows-1258"})}) as server:
        result = fetch(server.url("/"), policy=policy)
    assert result.charset == "windows-1258"
    assert VIETNAMESE in result.text
    assert unicodedata.is_normalized("NFC", result.text)


def test_a_windows_1258_page_declared_only_in_its_meta_tag(policy):
    body = encode_cp1258(f'<html><head><meta charset="windows-1258"></head><body>{VIETNAMESE}</body></html>')
    with serve({"/": Reply(body=body, headers={"Content-Type": "text/html"})}) as server:
        result = fetch(server.url("/"), policy=policy)
    assert result.charset == "windows-1258" and VIETNAMESE in result.text


def test_a_utf8_page_without_any_declared_charset(policy):
    body = f"<html><body>{VIETNAMESE}</body></html>".encode()
    with serve({"/": Reply(body=body, headers={"Content-Type": "text/html"})}) as server:
        result = fetch(server.url("/"), policy=policy)
    assert result.charset == "utf-8" and VIETNAMESE in result.text


def test_a_utf8_page_served_as_iso_8859_1_is_still_read_as_utf8(policy):
    body = f"<html><body>{VIETNAMESE}</body></html>".encode()
    with serve({"/": Reply(body=body, headers={"Content-Type": "text/html; charset=ISO-8859-1"})}) as server:
        result = fetch(server.url("/"), policy=policy)
    assert VIETNAMESE in result.text


def test_decoding_is_a_function_of_its_own_for_saved_pages():
    legacy = encode_cp1258(f"<p>{VIETNAMESE} {VIETNAMESE}</p>")
    assert decode_text(legacy) == (f"<p>{VIETNAMESE} {VIETNAMESE}</p>", "windows-1258")  # detected
    assert decode_text(b'<?xml version="1.0" encoding="cp1258"?><a/>')[1] == "windows-1258"
    assert decode_text("\ufeffXin chào".encode("utf-16-le")) == ("Xin chào", "utf-16le")
    text, charset = decode_text(b"\xff\xfe\xfd broken", "text/html; charset=utf-8")
    assert isinstance(text, str) and charset  # never raises
    assert decode_text(b"<p>x</p>", "text/html; charset=rot13")[1] == "utf-8"  # not a web charset


@given(st.binary(max_size=3000), st.sampled_from([None, "text/html", "text/html; charset=windows-1258",
                                                   "text/xml; charset=utf-16", "text/plain; charset=bogus"]))
@hypothesis_settings(max_examples=150, deadline=None)
def test_decoding_never_raises_and_always_gives_composed_text(content, content_type):
    text, charset = decode_text(content, content_type)
    assert isinstance(text, str) and charset
    assert unicodedata.is_normalized("NFC", text)


def test_binary_content_is_kept_as_bytes_without_text(policy):
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    with serve({"/a.png": Reply(body=png, headers={"Content-Type": "image/png"})}) as server:
        result = fetch(server.url("/a.png"), policy=policy)
    assert result.ok and result.content == png and result.text is None and result.charset is None


# --- For people -----------------------------------------------------------------------------


def test_describe_tells_the_whole_outcome_in_vietnamese(policy):
    with serve({"/a": redirect("/tin"), "/tin": Reply(body=PAGE)}) as server:
        text = describe(fetch(server.url("/a"), policy=policy))
    assert "Kết quả: tải thành công" in text
    assert "Mã trạng thái HTTP: 200" in text
    assert f"Địa chỉ cuối cùng: {server.url('/tin')}" in text
    assert "Chuyển hướng: 1 lần" in text and f"1. {server.url('/a')} → {server.url('/tin')}" in text
    assert "Kiểu nội dung: text/html" in text and "Bảng mã: utf-8" in text
    assert f"Kích thước: {len(PAGE.encode())} byte" in text
    assert "Thời gian: " in text and " giây" in text
    assert "Không thay đổi (HTTP 304): không" in text and "Lỗi: không có" in text


def test_describe_an_error_and_a_not_modified_answer():
    failed = FetchResult(url="http://10.0.0.1/", final_url="http://10.0.0.1/", error="Từ chối truy cập",
                         error_kind="blocked-address", elapsed=0.0123)
    text = describe(failed)
    assert "Kết quả: LỖI — địa chỉ bị chặn (mạng nội bộ)" in text
    assert "Mã trạng thái HTTP: —" in text and "Lỗi: Từ chối truy cập" in text
    assert "Thời gian: 0,01 giây" in text
    same = FetchResult(url="http://a.vn/rss", final_url="http://a.vn/rss", status=304, not_modified=True,
                       content=bytes(12345), elapsed=1.5)
    text = describe(same)
    assert "Không thay đổi (HTTP 304): có" in text and "không thay đổi kể từ lần tải trước" in text
    assert "Kích thước: 12.345 byte (12,1 KiB)" in text and "Thời gian: 1,50 giây" in text
