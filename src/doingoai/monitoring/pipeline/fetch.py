"""Safe fetching: the one way the platform reads an address on the web.

Every feed, sitemap, robots.txt and article page goes through ``fetch``. It never raises for
a network or content problem: the outcome is a ``FetchResult`` whose ``error`` (Vietnamese)
and ``error_kind`` (stable code) say what went wrong. What it guarantees:

* only ``http``/``https``; the host is resolved once, and the request is refused before any
  connection when ANY resolved address is loopback, private, link-local, multicast, reserved
  or unspecified (IPv4-mapped, 6to4 and NAT64 forms included). The connection then goes to
  the checked address (pinned in the client's network backend, so a DNS answer that changes
  between check and connect cannot switch it). Redirects are followed by hand and every hop
  is checked again. ``DOINGOAI_FETCH_ALLOW_LOOPBACK`` opens loopback only (tests);
* timeouts (connect, read, total), a cap on the bytes received and on the bytes after
  decompression (and on the compression ratio), gzip/deflate (and br) decoded here;
* conditional GET (``ETag``/``Last-Modified`` → ``not_modified``), robots.txt (RFC 9309
  matching, cached per origin), per-host spacing shared by threads and processes through
  Django's cache, retries with exponential back-off on connection errors, timeouts and
  429/502/503/504 (``Retry-After`` honoured up to a cap);
* the body decoded to NFC text: HTTP charset, then ``<meta charset>``/``<?xml encoding?>``,
  then detection, with windows-1258 (Vietnamese) handled.

``describe(result)`` renders the outcome for people (the ``doingoai monitor fetch`` command).
"""

from __future__ import annotations

import codecs
import dataclasses
import email.utils
import ipaddress
import re
import socket
import threading
import time
import unicodedata
import urllib.parse
import urllib.robotparser
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import httpcore
import httpx
from django.core.cache.backends.locmem import LocMemCache

__all__ = [
    "ERROR_KINDS",
    "BlockedAddress",
    "FetchPolicy",
    "FetchResult",
    "SafeClient",
    "Timeouts",
    "address_problem",
    "decode_text",
    "describe",
    "fetch",
    "make_client",
    "resolve_public",
    "wait_for_host",
]

KiB = 1024
MiB = 1024 * KiB

# Stable codes of what went wrong, with the words shown to people.
ERROR_KINDS: dict[str, str] = {
    "bad-url": "địa chỉ không hợp lệ",
    "dns": "không phân giải được tên miền",
    "blocked-address": "địa chỉ bị chặn (mạng nội bộ)",
    "robots": "robots.txt không cho phép",
    "connection": "lỗi kết nối",
    "timeout": "quá thời gian chờ",
    "too-large": "nội dung quá lớn",
    "decompression-bomb": "nghi bom nén",
    "bad-encoding": "kiểu nén không hỗ trợ hoặc dữ liệu nén hỏng",
    "http-error": "máy chủ trả lỗi HTTP",
    "too-many-redirects": "chuyển hướng quá nhiều lần",
}

RETRY_STATUSES = frozenset({429, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 500 * KiB  # RFC 9309 §2.5: parse at least the first 500 KiB
ROBOTS_MAX_CRAWL_DELAY = 60.0
PIN_TTL = 300.0
_CHUNK = 64 * KiB
_RATIO_FLOOR = 1 * MiB  # the compression ratio is judged only past this much output
_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.8"
)

# Module-level alias so that tests can give a name a fixed answer (no DNS in the sandbox).
_getaddrinfo = socket.getaddrinfo


# --- Settings ---------------------------------------------------------------------------------


def _setting(name: str, default: Any) -> Any:
    """A Django setting when Django is configured, else ``default``."""
    try:
        from django.conf import settings

        return getattr(settings, name, default)
    except Exception:  # ImproperlyConfigured and friends: running without Django settings
        return default


def _default_user_agent() -> str:
    configured = _setting("DOINGOAI_FETCH_USER_AGENT", None)
    if configured:
        return str(configured)
    info = _setting("DOINGOAI_FETCH_INFO_URL", None) or _setting("WAGTAILADMIN_BASE_URL", None)
    info = str(info or "https://localhost/").rstrip("/") + "/"
    return f"doingoai/1.0 (+{info}; theo dõi báo chí công khai)"


def _default_allow_loopback() -> bool:
    return bool(_setting("DOINGOAI_FETCH_ALLOW_LOOPBACK", False))


# --- Policy and result ------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeouts:
    """Seconds. ``total`` bounds one request–response exchange (headers and body)."""

    connect: float = 5.0
    read: float = 15.0
    total: float = 30.0


@dataclass(frozen=True)
class FetchPolicy:
    """How a fetch behaves. Defaults suit the press-monitoring jobs; tests make their own.

    ``clock`` (wall-clock seconds, shared between processes) and ``sleep`` drive host spacing
    and back-off, so tests can replace both. ``cache`` is a Django cache (``None``: the
    default cache; without Django settings, one in-process cache). Non-ASCII characters of
    ``user_agent`` are sent without their marks (HTTP headers are ASCII)."""

    timeout: Timeouts = field(default_factory=Timeouts)
    max_bytes: int = 10 * MiB
    max_decompressed_bytes: int = 10 * MiB
    max_compression_ratio: float | None = 100.0
    max_redirects: int = 5
    user_agent: str = field(default_factory=_default_user_agent)
    respect_robots: bool = True
    robots_ttl: float = 24 * 3600.0
    robots_error_ttl: float = 600.0
    min_host_interval: float = 2.0
    retries: int = 2
    backoff: float = 0.5
    max_retry_after: float = 30.0
    allow_loopback: bool = field(default_factory=_default_allow_loopback)
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    cache: Any = None

    def replace(self, **changes: Any) -> FetchPolicy:
        return dataclasses.replace(self, **changes)


@dataclass
class FetchResult:
    """What one fetch produced. ``error`` is ``None`` on success (a 304 is a success).

    ``redirects`` lists the addresses that answered with a redirect, in order; ``final_url``
    is the last address requested (or refused; ``status`` is then ``None``). ``headers`` has
    lower-case names. ``text`` is the decoded NFC text of a textual body (``None`` for binary
    content). Error statuses and 304 carry no body: it is not read."""

    url: str
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    text: str | None = None
    charset: str | None = None
    content_type: str | None = None
    not_modified: bool = False
    redirects: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    error: str | None = None
    error_kind: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


class _Fail(Exception):
    """An expected failure of one exchange; becomes ``FetchResult.error``."""

    def __init__(self, kind: str, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retryable = retryable
        self.exchange: _Exchange | None = None  # the response whose body failed, if any


class BlockedAddress(Exception):
    """Refused before connecting: the host resolves to a non-public address."""

    kind = "blocked-address"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _DnsFailure(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Addresses --------------------------------------------------------------------------------

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def address_problem(ip: str | ipaddress.IPv4Address | ipaddress.IPv6Address,
                    *, allow_loopback: bool = False) -> str | None:
    """Why the platform must not connect to ``ip`` (Vietnamese words), or ``None`` if it may.

    Only public unicast addresses pass. Addresses that carry an IPv4 address (IPv4-mapped,
    6to4, NAT64) are judged by the IPv4 address they lead to."""
    if isinstance(ip, str):
        try:
            ip = ipaddress.ip_address(ip.split("%", 1)[0])
        except ValueError:
            return "địa chỉ không đọc được"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return address_problem(embedded, allow_loopback=allow_loopback)
    if ip.is_loopback:
        return None if allow_loopback else "địa chỉ loopback (chính máy chủ)"
    if ip.is_unspecified:
        return "địa chỉ không xác định (0.0.0.0/::)"
    if ip.is_link_local:
        return "địa chỉ link-local (169.254.0.0/16, fe80::/10 — gồm dịch vụ metadata đám mây)"
    if ip.is_multicast:
        return "địa chỉ multicast"
    if ip.is_private:
        return "mạng riêng (nội bộ)"
    if ip.is_reserved:
        return "dải địa chỉ dành riêng"
    if not ip.is_global:
        return "địa chỉ không định tuyến công khai"
    return None


def resolve_public(host: str, port: int, *, allow_loopback: bool = False) -> list[str]:
    """The addresses of ``host``, in resolver order, when all of them are public.

    Raises ``BlockedAddress`` when any one is not (a name with one public and one private
    address is refused: the connection could go to either)."""
    try:
        infos = _getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise _DnsFailure(f"Không phân giải được tên miền «{host}» ({exc}).") from None
    addresses: list[str] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            raise BlockedAddress(f"Từ chối «{host}»: địa chỉ không phải IPv4/IPv6.")
        address = str(sockaddr[0])
        problem = address_problem(address, allow_loopback=allow_loopback)
        if problem:
            where = "đây là" if address == host else f"tên miền trỏ tới {address}, là"
            raise BlockedAddress(
                f"Từ chối truy cập «{host}»: {where} {problem}. "
                "Bộ tải chỉ truy cập các địa chỉ công khai trên Internet."
            )
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise _DnsFailure(f"Không phân giải được tên miền «{host}» (không có địa chỉ).")
    return addresses


class _Pins:
    """host → the addresses checked for it; the network backend connects only to these."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pins: dict[str, tuple[list[str], float]] = {}

    def set(self, host: str, addresses: list[str]) -> None:
        with self._lock:
            self._pins[host] = (list(addresses), time.monotonic())

    def get(self, host: str) -> list[str] | None:
        with self._lock:
            entry = self._pins.get(host)
        if entry and time.monotonic() - entry[1] < PIN_TTL:
            return entry[0]
        return None


class _PinnedBackend(httpcore.NetworkBackend):
    """httpcore network backend that connects only to checked addresses.

    The hostname stays the request's (Host header, TLS SNI and certificate check use it);
    the TCP connection goes to an address that passed ``resolve_public``."""

    def __init__(self, pins: _Pins, *, allow_loopback: bool):
        self._pins = pins
        self._allow_loopback = allow_loopback
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = self._pins.get(host)
        if addresses is None:  # not checked by fetch(): check here, and pin the answer
            addresses = resolve_public(host, port, allow_loopback=self._allow_loopback)
            self._pins.set(host, addresses)
        for address in addresses:  # defence in depth: never connect to an unchecked address
            if address_problem(address, allow_loopback=self._allow_loopback):
                raise BlockedAddress(f"Từ chối kết nối tới {address}.")
        last: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise BlockedAddress("Từ chối kết nối qua socket cục bộ.")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@lru_cache(maxsize=1)
def _ssl_context() -> Any:
    return httpx.create_ssl_context(trust_env=False)  # loading CA certificates once is enough


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's own transport (request/response mapping, errors) over a pool that uses the
    pinned backend. httpx offers no public hook for the network backend, hence ``_pool``."""

    def __init__(self, backend: _PinnedBackend, limits: httpx.Limits):
        # No super().__init__(): it would build a second, unused pool (and SSL context).
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=backend,
        )


class SafeClient(httpx.Client):
    """An httpx client whose connections go only to checked public addresses.

    Make one with ``make_client`` to reuse connections over many fetches; ``fetch`` accepts
    no other client. Proxies from the environment are ignored (they would bypass checks)."""

    def __init__(self, policy: FetchPolicy):
        self.pins = _Pins()
        backend = _PinnedBackend(self.pins, allow_loopback=policy.allow_loopback)
        limits = httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30)
        super().__init__(
            transport=_PinnedTransport(backend, limits),
            trust_env=False,
            follow_redirects=False,
            timeout=httpx.Timeout(
                policy.timeout.read, connect=policy.timeout.connect, pool=policy.timeout.connect
            ),
        )


def make_client(policy: FetchPolicy | None = None) -> SafeClient:
    return SafeClient(policy or FetchPolicy())


# --- Host spacing -----------------------------------------------------------------------------


# Without Django settings (scripts, benchmarks), Django's own in-process cache.
_local_cache = LocMemCache("doingoai-fetch", {})


def _cache(policy: FetchPolicy) -> Any:
    if policy.cache is not None:
        return policy.cache
    try:
        from django.core.cache import caches

        return caches["default"]
    except Exception:  # no Django settings: one cache for this process
        return _local_cache


def wait_for_host(host: str, interval: float, policy: FetchPolicy) -> float:
    """Wait for this process's turn at ``host``; returns the seconds waited.

    Turns are booked in the shared cache (a short ``cache.add`` lock guards the booking):
    each caller takes the time ``max(now, next free)`` and moves "next free" one interval
    on, so no two requests to a host start closer than ``interval``, whichever thread or
    process (sharing the cache) makes them."""
    if interval <= 0:
        return 0.0
    cache = _cache(policy)
    key = f"doingoai:fetch:next:{host}"
    lock = f"{key}:lock"
    for attempt in range(501):
        if attempt == 500:
            cache.delete(lock)  # a holder died with the lock (it expires in 10 s anyway): break it
        if not cache.add(lock, policy.clock(), timeout=10):
            policy.sleep(0.01)  # another worker is booking its turn at this host
            continue
        try:
            now = policy.clock()
            next_free = cache.get(key)
            turn = now if next_free is None or next_free <= now else float(next_free)
            cache.set(key, turn + interval, timeout=int(interval) + 60)
        finally:
            cache.delete(lock)
        delay = turn - now
        if delay > 0:
            policy.sleep(delay)
        return max(delay, 0.0)
    return 0.0  # the cache refuses every lock: go on rather than stall the caller


# --- Robots -----------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _robots_parser(text: str) -> urllib.robotparser.RobotFileParser:
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(text.splitlines())
    return parser


@lru_cache(maxsize=1024)
def _rule_regex(path: str) -> re.Pattern[str]:
    # robotparser stores rule paths percent-quoted: "*" is "%2A", "$" is "%24".
    anchored = path.endswith("%24")
    if anchored:
        path = path[:-3]
    pattern = ".*".join(re.escape(part) for part in path.split("%2A"))
    return re.compile(pattern + ("$" if anchored else ""))


def robots_allows(text: str, user_agent: str, url: str) -> tuple[bool, float | None]:
    """(allowed, crawl delay) for ``url`` under a robots.txt body.

    Groups are read by ``urllib.robotparser``; rules are matched as RFC 9309 says (the
    longest matching path wins, "allow" wins a tie, ``*`` and a final ``$`` are patterns),
    which the standard library alone does not do."""
    parser = _robots_parser(text)
    agent = user_agent.split("/", 1)[0].strip().lower()
    entry = next((e for e in parser.entries if e.applies_to(agent)), parser.default_entry)
    if entry is None:
        return True, None
    # The address is quoted the way robotparser quotes rule paths, so that both compare.
    parts = urllib.parse.urlparse(urllib.parse.unquote(url))
    path = urllib.parse.quote(
        urllib.parse.urlunparse(("", "", parts.path or "/", parts.params, parts.query, ""))
    )
    best: tuple[int, bool] | None = None
    for line in entry.rulelines:
        if line.path == "" and line.allowance:
            continue
        if _rule_regex(line.path).match(path):
            candidate = (len(urllib.parse.unquote(line.path)), line.allowance)
            if best is None or candidate > best:
                best = candidate
    delay = entry.delay
    crawl_delay = min(float(delay), ROBOTS_MAX_CRAWL_DELAY) if delay is not None else None
    return (True if best is None else best[1]), crawl_delay


def _robots_check(url: httpx.URL, policy: FetchPolicy, client: SafeClient) -> tuple[bool, float | None, str]:
    """(allowed, crawl delay, reason when refused) for one address, robots.txt cached per origin."""
    origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
    cache = _cache(policy)
    key = f"doingoai:robots:{origin}"
    state = cache.get(key)
    if state is None:
        robots_policy = policy.replace(
            respect_robots=False, max_bytes=ROBOTS_MAX_BYTES,
            max_decompressed_bytes=max(policy.max_decompressed_bytes, ROBOTS_MAX_BYTES),
        )
        result = _fetch(origin + "/robots.txt", robots_policy, None, None, client, truncate=True)
        state, ttl = _robots_state(result, policy)
        cache.set(key, state, timeout=int(ttl))
    verdict = state[0]
    if verdict == "rules":
        allowed, delay = robots_allows(state[1], policy.user_agent, str(url))
        reason = "" if allowed else f"robots.txt của {origin} không cho phép tải địa chỉ này."
        return allowed, delay, reason
    if verdict == "allow":
        return True, None, ""
    if verdict == "forbidden":
        return False, None, (
            f"robots.txt của {origin} bị chặn truy cập (HTTP 401/403): "
            "coi như không được phép tải trang nào của trang web này."
        )
    return False, None, (
        f"robots.txt của {origin} không truy cập được (lỗi máy chủ hoặc mạng); theo RFC 9309 "
        "tạm coi như không được phép tải, sẽ thử lại sau."
    )


def _robots_state(result: FetchResult, policy: FetchPolicy) -> tuple[tuple[str, ...], float]:
    if result.error_kind in {"connection", "timeout", "dns"} or (
        result.status is not None and (result.status >= 500 or result.status == 429)
    ):
        return ("unreachable",), policy.robots_error_ttl
    if result.status in (401, 403):
        return ("forbidden",), policy.robots_ttl
    if result.error is None and result.status is not None and 200 <= result.status < 300:
        return ("rules", result.content.decode("utf-8", "replace")), policy.robots_ttl
    # 4xx, too many redirects, a redirect to a refused address …: "unavailable", all allowed.
    return ("allow",), policy.robots_ttl


# --- Bodies: reading, decompression, charset --------------------------------------------------


class _Counter:
    raw = 0


def _decompress(chunks: Iterator[bytes], encoding: str, policy: FetchPolicy,
                counter: _Counter) -> Iterator[bytes]:
    """Decode one content-coding, yielding pieces of at most 64 KiB and stopping (with a
    "decompression-bomb" failure) past the decompressed cap or the ratio cap."""
    produced = 0

    def check(piece: bytes) -> bytes:
        nonlocal produced
        produced += len(piece)
        if produced > policy.max_decompressed_bytes:
            raise _Fail("decompression-bomb", (
                f"Nội dung nén giải nén ra hơn {_human(policy.max_decompressed_bytes)} — nghi là "
                "«bom nén», đã dừng đọc."
            ))
        ratio = policy.max_compression_ratio
        if ratio and produced > _RATIO_FLOOR and produced > ratio * max(counter.raw, 1):
            raise _Fail("decompression-bomb", (
                f"Tỉ lệ nén bất thường (hơn {ratio:g}:1 sau {_human(produced)}) — nghi là "
                "«bom nén», đã dừng đọc."
            ))
        return piece

    if encoding == "br":
        try:
            import brotli
        except ImportError:  # pragma: no cover - brotli ships with the platform
            raise _Fail("bad-encoding", "Máy chủ dùng kiểu nén «br» nhưng máy này không giải được.") from None
        decoder = brotli.Decompressor()
        try:
            for chunk in chunks:
                piece = decoder.process(chunk, output_buffer_limit=_CHUNK)
                while True:
                    if piece:
                        yield check(piece)
                    if decoder.can_accept_more_data():
                        break
                    piece = decoder.process(b"", output_buffer_limit=_CHUNK)
        except brotli.error as exc:
            raise _Fail("bad-encoding", f"Dữ liệu nén (br) bị hỏng ({exc}).") from None
        return

    gzip = encoding in ("gzip", "x-gzip")
    decoder_z = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzip else None
    try:
        for chunk in chunks:
            data = chunk
            while data:
                if decoder_z is None:  # deflate: zlib-wrapped as the RFC says, or raw as some send
                    zlib_header = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
                    decoder_z = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
                if decoder_z.eof:
                    if gzip and data[:2] == b"\x1f\x8b":
                        decoder_z = zlib.decompressobj(16 + zlib.MAX_WBITS)  # next gzip member
                    else:
                        break  # bytes after the end of the stream: ignored, as browsers do
                piece = decoder_z.decompress(data, _CHUNK)
                if piece:
                    yield check(piece)
                data = decoder_z.unconsumed_tail
                if decoder_z.eof:
                    data = decoder_z.unused_data + data
        if decoder_z is not None and not decoder_z.eof:
            while True:  # output still held back by the 64 KiB limit
                piece = decoder_z.decompress(b"", _CHUNK)
                if not piece:
                    break
                yield check(piece)
            piece = decoder_z.flush()
            if piece:
                yield check(piece)
    except zlib.error as exc:
        raise _Fail("bad-encoding", f"Dữ liệu nén ({encoding}) bị hỏng ({exc}).") from None


_IDENTITY = {"", "identity", "none"}
_SUPPORTED_ENCODINGS = {"gzip", "x-gzip", "deflate", "br"}


def _read_body(response: httpx.Response, policy: FetchPolicy, deadline: float,
               truncate: bool) -> bytes:
    cap = policy.max_bytes
    encodings = [
        e.strip().lower() for e in response.headers.get("content-encoding", "").split(",")
        if e.strip().lower() not in _IDENTITY
    ]
    unsupported = [e for e in encodings if e not in _SUPPORTED_ENCODINGS]
    if unsupported or len(encodings) > 2:
        raise _Fail("bad-encoding", f"Máy chủ dùng kiểu nén không hỗ trợ: «{', '.join(encodings)}».")
    declared = response.headers.get("content-length", "")
    if not truncate and declared.isdigit() and int(declared) > cap:
        raise _Fail("too-large", (
            f"Nội dung khai báo {_human(int(declared))}, vượt giới hạn {_human(cap)}; không tải."
        ))
    counter = _Counter()

    def raw() -> Iterator[bytes]:
        for chunk in response.iter_raw():  # as received (no re-chunking): checks run often
            counter.raw += len(chunk)
            if counter.raw > cap:
                if truncate:
                    yield chunk[: len(chunk) - (counter.raw - cap)]
                    return
                raise _Fail("too-large", f"Nội dung vượt giới hạn {_human(cap)}; đã dừng đọc.")
            if time.monotonic() > deadline:
                raise _Fail("timeout", (
                    f"Quá tổng thời gian chờ ({_seconds(policy.timeout.total)}) khi đọc nội dung."
                ), retryable=True)
            yield chunk

    stream: Iterator[bytes] = raw()
    for encoding in reversed(encodings):
        stream = _decompress(stream, encoding, policy, counter)
    parts = []
    for piece in stream:
        if time.monotonic() > deadline:
            raise _Fail("timeout", (
                f"Quá tổng thời gian chờ ({_seconds(policy.timeout.total)}) khi giải nén nội dung."
            ), retryable=True)
        parts.append(piece)
    return b"".join(parts)


# Web encodings that may be declared (WHATWG list, Python names); anything else is ignored.
_WEB_CODECS = {
    "utf-8", "utf-16-le", "utf-16-be", "utf-16", "cp1250", "cp1251", "cp1252", "cp1253",
    "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "iso8859-2", "iso8859-3", "iso8859-4",
    "iso8859-5", "iso8859-6", "iso8859-7", "iso8859-8", "iso8859-10", "iso8859-13",
    "iso8859-14", "iso8859-15", "iso8859-16", "koi8-r", "koi8-u", "mac-cyrillic", "cp866",
    "cp874", "gb18030", "gbk", "big5", "big5hkscs", "euc_jp", "iso2022_jp", "shift_jis",
    "cp932", "euc_kr", "cp949", "tis-620",
}
_LABELS = {
    # WHATWG: these labels mean windows-1252 on the web.
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252", "iso_8859-1": "cp1252",
    # Vietnamese: every spelling of windows-1258 seen in the wild.
    "windows-1258": "cp1258", "x-cp1258": "cp1258", "cp-1258": "cp1258", "win-1258": "cp1258",
    "vn-1258": "cp1258", "x-windows-1258": "cp1258",
    "gb2312": "gbk", "x-gbk": "gbk", "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
}
_SINGLE_BYTE = {c for c in _WEB_CODECS if c.startswith(("cp", "iso8859", "koi8", "mac", "tis"))}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([a-z0-9_.:\-]{1,40})""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([a-z0-9_.:\-]{1,40})["']""", re.I)
_VIET_LETTERS = set(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _LABELS.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return name if name in _WEB_CODECS else None


def _label(codec: str) -> str:
    if re.fullmatch(r"cp125\d", codec):
        return "windows-" + codec[2:]
    if codec.startswith("iso8859-"):
        return "iso-8859-" + codec[8:]
    return {"utf-16-le": "utf-16le", "utf-16-be": "utf-16be"}.get(codec, codec)


def _content_type_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([^\"';,\s]+)", content_type, re.I)
    return match.group(1) if match else None


def _viet_score(text: str) -> float:
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return 0.0
    return sum(c in _VIET_LETTERS for c in non_ascii) / len(non_ascii)


def _looks_utf8(content: bytes) -> bool:
    if content.isascii():
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_text(content: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(NFC text, charset label) of a body: BOM, then the HTTP charset, then
    ``<meta charset>`` / ``<?xml encoding?>``, then UTF-8, then detection.

    A declared single-byte charset is overruled by valid non-ASCII UTF-8 (servers that say
    iso-8859-1 by default in front of UTF-8 pages). Never raises: undecodable bytes become
    U+FFFD."""
    if not content:
        return "", "utf-8"
    for bom, codec in _BOMS:
        if content.startswith(bom):
            return _nfc(content[len(bom):].decode(codec, "replace")), _label(codec)
    head = content[: 8 * KiB]
    sniffed = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    declared = [
        codec for codec in (
            _codec(_content_type_charset(content_type)),
            _codec(sniffed.group(1).decode("ascii")) if sniffed else None,
        ) if codec and codec not in ("utf-16", "utf-16-le", "utf-16-be")  # without a BOM: a lie
    ]
    for codec in declared:
        if codec in _SINGLE_BYTE and _looks_utf8(content):
            codec = "utf-8"
        try:
            return _nfc(content.decode(codec)), _label(codec)
        except UnicodeDecodeError:
            continue
    try:
        return _nfc(content.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    detected = _detect(content)
    if detected:
        return detected
    fallback = declared[0] if declared else "cp1258"
    return _nfc(content.decode(fallback, "replace")), _label(fallback)


def _detect(content: bytes) -> tuple[str, str] | None:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(content).best()
    except Exception:  # detection is a best effort; a crash in it must not stop the fetch
        best = None
    candidates: list[tuple[float, str, str]] = []
    codec = _codec(best.encoding) if best is not None else None
    if codec:
        try:
            text = _nfc(content.decode(codec))
            candidates.append((_viet_score(text), _label(codec), text))
        except UnicodeDecodeError:
            pass
    if codec != "cp1258":
        try:
            text = _nfc(content.decode("cp1258"))
            # Vietnamese in windows-1258 is told apart by the letters it produces.
            candidates.append((_viet_score(text) - 0.2, "windows-1258", text))
        except UnicodeDecodeError:
            pass
    if not candidates:
        return None
    _score, label, text = max(candidates, key=lambda c: c[0])
    return text, label


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_TEXTUAL = {
    "application/xml", "application/xhtml+xml", "application/rss+xml", "application/atom+xml",
    "application/rdf+xml", "application/json", "application/ld+json", "application/javascript",
    "application/x-javascript",
}


def _is_textual(content_type: str | None, content: bytes) -> bool:
    if content_type and (
        content_type.startswith("text/") or content_type in _TEXTUAL
        or content_type.endswith(("+xml", "+json"))
    ):
        return True
    if not content_type or content_type == "application/octet-stream":
        return b"\0" not in content[:4 * KiB]
    return False


# --- Fetch ------------------------------------------------------------------------------------


def fetch(url: str, *, policy: FetchPolicy | None = None, etag: str | None = None,
          last_modified: str | None = None, client: SafeClient | None = None) -> FetchResult:
    """GET ``url`` safely (see the module docstring). Never raises for network or content
    problems; ``TypeError`` only for a programming error (e.g. a client not made by
    ``make_client``)."""
    if not isinstance(url, str):
        raise TypeError("url phải là chuỗi")
    policy = policy or FetchPolicy()
    if client is not None and not isinstance(client, SafeClient):
        raise TypeError("fetch() chỉ nhận client tạo bằng make_client() (kết nối đã kiểm tra địa chỉ)")
    if client is not None:
        return _fetch(url, policy, etag, last_modified, client)
    with SafeClient(policy) as own:
        return _fetch(url, policy, etag, last_modified, own)


@dataclass
class _Exchange:
    status: int
    reason: str
    headers: dict[str, str]
    content: bytes = b""


_HOST = re.compile(r"[A-Za-z0-9._~\-]+|[0-9A-Fa-f:.]+(%[A-Za-z0-9._~\-]+)?")  # name/IPv4, or IPv6


def _check_url(raw: str) -> httpx.URL:
    if len(raw) > 8192:
        raise _Fail("bad-url", "Địa chỉ dài quá 8192 ký tự.")
    try:
        url = httpx.URL(raw.strip())
        host = url.raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError, TypeError) as exc:
        raise _Fail("bad-url", f"Địa chỉ không hợp lệ: «{raw[:200]}» ({exc}).") from None
    if url.scheme not in ("http", "https"):
        raise _Fail("bad-url", (
            f"Chỉ tải được địa chỉ http hoặc https, không tải «{url.scheme or '(không có giao thức)'}»."
        ))
    if not host:
        raise _Fail("bad-url", f"Địa chỉ không có tên máy chủ: «{raw[:200]}».")
    if not _HOST.fullmatch(host):
        raise _Fail("bad-url", f"Tên máy chủ không hợp lệ: «{host[:200]}».")
    if url.userinfo:
        raise _Fail("bad-url", "Địa chỉ có kèm tên đăng nhập/mật khẩu: không tải.")
    return url.copy_with(fragment=None)


def _ascii_header(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode(
        "ascii", "ignore").decode("ascii")


def _fetch(raw_url: str, policy: FetchPolicy, etag: str | None, last_modified: str | None,
           client: SafeClient, *, truncate: bool = False) -> FetchResult:
    started = time.monotonic()
    result = FetchResult(url=raw_url, final_url=raw_url)

    def fail(kind: str, message: str) -> FetchResult:
        result.error, result.error_kind = message, kind
        result.elapsed = time.monotonic() - started
        return result

    try:
        url = _check_url(raw_url)
    except _Fail as failure:
        return fail(failure.kind, failure.message)
    headers = {
        "User-Agent": _ascii_header(policy.user_agent),
        "Accept": _ACCEPT,
        "Accept-Language": "vi,en;q=0.8",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = _ascii_header(etag)
    if last_modified:
        headers["If-Modified-Since"] = _ascii_header(last_modified)

    for _hop in range(policy.max_redirects + 1):
        result.final_url = str(url)
        result.status = None
        host = url.raw_host.decode("ascii")
        try:
            client.pins.set(host, resolve_public(host, url.port or _default_port(url),
                                                 allow_loopback=policy.allow_loopback))
        except BlockedAddress as exc:
            return fail("blocked-address", exc.message)
        except _DnsFailure as exc:
            return fail("dns", exc.message)
        interval = policy.min_host_interval
        if policy.respect_robots:
            allowed, crawl_delay, reason = _robots_check(url, policy, client)
            if not allowed:
                return fail("robots", reason)
            if crawl_delay:
                interval = max(interval, crawl_delay)
        try:
            exchange = _exchange_with_retries(client, url, headers, policy, host, interval, truncate)
        except _Fail as failure:
            if failure.exchange is not None:
                result.status, result.headers = failure.exchange.status, failure.exchange.headers
                result.content_type = _media_type(failure.exchange.headers)
            return fail(failure.kind, failure.message)
        result.status = exchange.status
        result.headers = exchange.headers
        location = exchange.headers.get("location")
        if exchange.status in REDIRECT_STATUSES and location:
            result.redirects.append(str(url))
            try:
                url = _check_url(str(url.join(location.strip())))
            except (_Fail, httpx.InvalidURL, ValueError) as exc:
                message = exc.message if isinstance(exc, _Fail) else str(exc)
                return fail("bad-url", f"Chuyển hướng tới địa chỉ không dùng được: {message}")
            continue
        return _finish(result, exchange, started)
    result.final_url = str(url)
    result.status = None
    return fail("too-many-redirects", (
        f"Chuyển hướng quá {policy.max_redirects} lần (vòng lặp hoặc chuỗi quá dài) — đã dừng."
    ))


def _finish(result: FetchResult, exchange: _Exchange, started: float) -> FetchResult:
    result.elapsed = time.monotonic() - started
    status = exchange.status
    result.content_type = _media_type(exchange.headers)
    if status == 304:
        result.not_modified = True
        return result
    if status >= 300:
        result.error_kind = "http-error"
        result.error = f"Máy chủ trả về lỗi HTTP {status}{' ' + exchange.reason if exchange.reason else ''}."
        if status in RETRY_STATUSES and "retry-after" in exchange.headers:
            result.error += f" Máy chủ đề nghị thử lại sau: {exchange.headers['retry-after']}."
        return result
    result.content = exchange.content
    if _is_textual(result.content_type, exchange.content):
        result.text, result.charset = decode_text(exchange.content, exchange.headers.get("content-type"))
    return result


def _media_type(headers: dict[str, str]) -> str | None:
    return headers.get("content-type", "").split(";")[0].strip().lower() or None


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


def _retry_after(value: str | None, policy: FetchPolicy) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - policy.clock())


def _exchange_with_retries(client: SafeClient, url: httpx.URL, headers: dict[str, str],
                           policy: FetchPolicy, host: str, interval: float,
                           truncate: bool) -> _Exchange:
    attempts = max(0, policy.retries) + 1
    for attempt in range(attempts):
        last = attempt == attempts - 1
        wait_for_host(host, interval, policy)
        try:
            exchange = _exchange(client, url, headers, policy, truncate)
        except _Fail as failure:
            if failure.retryable and not last:
                policy.sleep(policy.backoff * 2**attempt)
                continue
            raise
        if exchange.status in RETRY_STATUSES and not last:
            asked = _retry_after(exchange.headers.get("retry-after"), policy)
            if asked is not None and asked > policy.max_retry_after:
                return exchange  # the server asks for longer than we wait: report it
            policy.sleep(max(policy.backoff * 2**attempt, asked or 0.0))
            continue
        return exchange
    raise AssertionError("unreachable")  # pragma: no cover


def _exchange(client: SafeClient, url: httpx.URL, headers: dict[str, str], policy: FetchPolicy,
              truncate: bool) -> _Exchange:
    t = policy.timeout
    timeout = httpx.Timeout(connect=min(t.connect, t.total), read=min(t.read, t.total),
                            write=min(t.read, t.total), pool=min(t.connect, t.total))
    deadline = time.monotonic() + t.total
    host = url.host
    try:
        request = client.build_request("GET", url, headers=headers, timeout=timeout)
        response = client.send(request, stream=True)
    except BlockedAddress as exc:
        raise _Fail("blocked-address", exc.message) from None
    except _DnsFailure as exc:
        raise _Fail("dns", exc.message) from None
    except httpx.TimeoutException as exc:
        raise _Fail("timeout", _timeout_message(exc, policy, host), retryable=True) from None
    except (httpx.TransportError, OSError) as exc:
        raise _Fail("connection", f"Không kết nối được tới «{host}» ({_detail(exc)}).", retryable=True) from None
    try:
        status = response.status_code
        exchange = _Exchange(
            status=status, reason=response.reason_phrase,
            headers={k.lower(): v for k, v in response.headers.items()},
        )
        if status in REDIRECT_STATUSES or status == 304 or status >= 300:
            return exchange
        try:
            exchange.content = _read_body(response, policy, deadline, truncate)
        except _Fail as failure:
            failure.exchange = exchange
            raise
        return exchange
    except httpx.TimeoutException as exc:
        raise _Fail("timeout", _timeout_message(exc, policy, host), retryable=True) from None
    except (httpx.TransportError, httpx.StreamError, OSError) as exc:
        raise _Fail("connection", f"Kết nối tới «{host}» bị ngắt khi đọc dữ liệu ({_detail(exc)}).",
                    retryable=True) from None
    finally:
        response.close()


def _timeout_message(exc: Exception, policy: FetchPolicy, host: str) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"Quá thời gian chờ kết nối tới «{host}» ({_seconds(policy.timeout.connect)})."
    if isinstance(exc, httpx.ReadTimeout):
        return f"Máy chủ «{host}» không trả dữ liệu trong {_seconds(policy.timeout.read)}."
    return f"Quá thời gian chờ khi tải từ «{host}»."


def _detail(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


# --- For people -------------------------------------------------------------------------------


def _number(value: float, decimals: int = 0) -> str:
    """12345.6 → "12.345,6" (Vietnamese grouping and decimal comma)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _human(size: int) -> str:
    if size >= MiB:
        return f"{_number(size / MiB, 1)} MiB"
    if size >= KiB:
        return f"{_number(size / KiB, 1)} KiB"
    return f"{_number(size)} byte"


def _seconds(value: float) -> str:
    return f"{_number(value, 2 if value < 10 else 1)} giây"


def describe(result: FetchResult) -> str:
    """A multi-line Vietnamese account of a fetch, for the command line and logs."""
    if result.error:
        outcome = f"LỖI — {ERROR_KINDS.get(result.error_kind or '', result.error_kind or 'lỗi')}"
    elif result.not_modified:
        outcome = "không thay đổi kể từ lần tải trước"
    else:
        outcome = "tải thành công"
    lines = [
        f"Địa chỉ: {result.url}",
        f"Kết quả: {outcome}",
        f"Mã trạng thái HTTP: {result.status if result.status is not None else '—'}",
        f"Địa chỉ cuối cùng: {result.final_url}",
    ]
    if result.redirects:
        lines.append(f"Chuyển hướng: {len(result.redirects)} lần")
        hops = [*result.redirects, result.final_url]
        lines.extend(f"  {i}. {a} → {b}" for i, (a, b) in enumerate(zip(hops, hops[1:], strict=False), 1))
    else:
        lines.append("Chuyển hướng: không")
    size = len(result.content)
    lines += [
        f"Kiểu nội dung: {result.content_type or '—'}",
        f"Bảng mã: {result.charset or '—'}",
        f"Kích thước: {_number(size)} byte" + (f" ({_human(size)})" if size >= KiB else ""),
        f"Thời gian: {_seconds(result.elapsed)}",
        f"Không thay đổi (HTTP 304): {'có' if result.not_modified else 'không'}",
        f"Lỗi: {result.error or 'không có'}",
    ]
    return "\n".join(lines)

