"""Local HTTP servers for tests: no test of the platform ever talks to the Internet.

    with serve({"/": Reply(body="Xin chào"), "/old": redirect("/")}) as server:
        fetch(server.url("/old"))
        assert server.hits("/") == 1

A route is a ``Reply``, a list of replies (served in turn, the last one repeats) or a
function ``(Request) -> Reply``. A reply sets status, headers, body (bytes, text, or a
function returning an iterator of chunks, for bodies made lazily while they are sent), a
delay before answering, a delay between chunks, gzip, and whether ``Content-Length`` is
sent. Unknown paths answer 404. The server listens on 127.0.0.1 only, on a free port,
speaks HTTP/1.0 (one request per connection) and records every request it receives.
"""

from __future__ import annotations

import gzip as gzip_module
import struct
import threading
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

__all__ = [
    "LocalServer", "Reply", "Request", "encode_cp1258", "gzip_bytes", "gzip_zeros_stream",
    "redirect", "repeat_stream", "serve",
]


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | Callable[[], Iterable[bytes]] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    chunk_delay: float = 0.0  # seconds between body chunks
    gzip: bool = False  # compress a bytes/str body and send Content-Encoding: gzip
    content_length: bool | int = True  # True: the real length (bytes bodies); int: declared; False: none
    chunk_size: int = 64 * 1024


@dataclass
class Request:
    method: str
    path: str  # with the query string
    headers: dict[str, str]  # lower-case names
    at: float  # time.monotonic() when the request line arrived


Route = Reply | Sequence[Reply] | Callable[[Request], Reply]


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status=status, headers={"Location": location})


def gzip_bytes(data: bytes) -> bytes:
    return gzip_module.compress(data, mtime=0)


def repeat_stream(chunk: bytes, total: int) -> Callable[[], Iterator[bytes]]:
    """A body of ``total`` bytes made of ``chunk`` repeated, produced while it is sent."""

    def stream() -> Iterator[bytes]:
        sent = 0
        while sent < total:
            piece = chunk[: total - sent]
            sent += len(piece)
            yield piece

    return stream


def gzip_zeros_stream(total: int, block: int = 1024 * 1024) -> Callable[[], Iterator[bytes]]:
    """A gzip stream that inflates to ``total`` zero bytes (``total`` a multiple of
    ``block``), made while it is sent: a gigabyte is about a megabyte on the wire and costs
    neither memory nor much time, because every block after the first compresses to the
    same bytes, which are repeated instead of recomputed."""

    def stream() -> Iterator[bytes]:
        zeros = bytes(block)
        compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        first = compressor.compress(zeros) + compressor.flush(zlib.Z_SYNC_FLUSH)
        repeated = compressor.compress(zeros) + compressor.flush(zlib.Z_SYNC_FLUSH)
        blocks = max(1, total // block)
        yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + first  # gzip header, then deflate
        crc = zlib.crc32(zeros)
        done = 1
        while done < blocks:
            batch = min(64, blocks - done)
            for _ in range(batch):
                crc = zlib.crc32(zeros, crc)
            done += batch
            yield repeated * batch
        # A final empty fixed-Huffman block, then CRC-32 and size (gzip trailer).
        yield b"\x03\x00" + struct.pack("<II", crc, (blocks * block) & 0xFFFFFFFF)

    return stream


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng


def encode_cp1258(text: str) -> bytes:
    """Vietnamese text as a windows-1258 page would hold it.

    windows-1258 has the letters â ê ô ơ ư ă đ but writes the five tones as separate
    combining marks after the letter, so "ế" is "ê" + U+0301 — which Python's cp1258 codec
    does not do by itself."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            char.encode("cp1258")
            out.append(char)
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        tones = "".join(m for m in marks if m in _TONE_MARKS)
        others = "".join(m for m in marks if m not in _TONE_MARKS)
        out.append(unicodedata.normalize("NFC", base + others) + tones)
    return "".join(out).encode("cp1258")


class LocalServer:
    def __init__(self, routes: dict[str, Route] | None = None):
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[Request] = []
        self._turns: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- what tests use ------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path == path or urlsplit(r.path).path == path)

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path or urlsplit(r.path).path == path]

    # -- life ----------------------------------------------------------------------------
    def start(self) -> LocalServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LocalServer:
        return self if self._server is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- internals -----------------------------------------------------------------------
    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _reply_for(self, request: Request) -> Reply:
        path = urlsplit(request.path).path
        key = request.path if request.path in self.routes else path
        route = self.routes.get(key)
        if route is None:
            return Reply(status=404, body="Không tìm thấy")
        if isinstance(route, Reply):
            return route
        if callable(route):
            return route(request)
        with self._lock:
            turn = self._turns.get(key, 0)
            self._turns[key] = turn + 1
        return route[min(turn, len(route) - 1)]

    def _pause(self, seconds: float) -> bool:
        """Sleep, or return False at once when the server is stopping."""
        return not self._stopping.wait(seconds) if seconds > 0 else not self._stopping.is_set()


def _handler_for(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            request = Request(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                at=time.monotonic(),
            )
            server._record(request)
            reply = server._reply_for(request)
            try:
                self._send(reply)
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
                pass  # the client stopped reading: exactly what several tests expect

        do_HEAD = do_GET

        def _send(self, reply: Reply) -> None:
            if not server._pause(reply.delay):
                return
            body = reply.body
            chunks: Iterable[bytes]
            if callable(body):
                chunks = body()
                length = reply.content_length if not isinstance(reply.content_length, bool) else None
            else:
                data = body.encode("utf-8") if isinstance(body, str) else body
                if reply.gzip:
                    data = gzip_bytes(data)
                chunks = [data[i : i + reply.chunk_size] for i in range(0, len(data), reply.chunk_size)]
                if reply.content_length is True:
                    length = len(data)
                elif reply.content_length is False:
                    length = None
                else:
                    length = reply.content_length
            self.send_response(reply.status)
            headers = {k.lower(): (k, v) for k, v in reply.headers.items()}
            if reply.gzip and "content-encoding" not in headers:
                self.send_header("Content-Encoding", "gzip")
            if "content-type" not in headers and reply.status not in (204, 304):
                self.send_header("Content-Type", "text/html; charset=utf-8")
            if length is not None and "content-length" not in headers:
                self.send_header("Content-Length", str(length))
            for name, value in headers.values():
                self.send_header(name, value)
            self.end_headers()
            if self.command == "HEAD":
                return
            first = True
            for chunk in chunks:
                if not first and not server._pause(reply.chunk_delay):
                    return
                first = False
                if chunk:
                    self.wfile.write(chunk)
            self.wfile.flush()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # quiet tests

    return Handler


def serve(routes: dict[str, Route] | None = None) -> LocalServer:
    """A started server, to be used as a context manager (stopped on exit)."""
    return LocalServer(routes).start()


# --- A fake Vietnamese news site (feeds, sitemaps, listing and article pages) ----------------

@dataclass
class NewsArticle:
    """One article of a fake outlet: its path, title, paragraphs and publication time
    (ISO 8601, Vietnam time when no offset is given)."""

    path: str
    title: str
    paragraphs: Sequence[str]
    published: str = "2025-09-01T08:00:00+07:00"


def article_html(article: NewsArticle, *, charset: str | None = "utf-8") -> str:
    """The page of an article as a Vietnamese outlet prints it: a menu, the article, a footer."""
    from html import escape

    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    return (
        f'<!DOCTYPE html><html lang="vi"><head>{meta}<title>{escape(article.title)}</title>'
        f'<meta property="og:title" content="{escape(article.title)}">'
        f'<meta property="article:published_time" content="{article.published}"></head><body>'
        '<nav class="menu"><a href="/">Trang chủ</a> <a href="/chuyen-muc/thoi-su/">Thời sự</a></nav>'
        f'<article><h1>{escape(article.title)}</h1>{body}</article>'
        '<footer><p>Báo điện tử thử nghiệm. Giấy phép số 01/GP-BTTTT.</p></footer></body></html>'
    )


def rss_feed(base_url: str, articles: Sequence[NewsArticle], title: str = "Tin mới nhất") -> str:
    """An RSS 2.0 feed of ``articles`` (RFC 822 dates, as Vietnamese outlets send them)."""
    import email.utils
    from datetime import datetime
    from html import escape

    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{base_url}{a.path}</link>"
        f"<guid>{base_url}{a.path}</guid>"
        f"<pubDate>{email.utils.format_datetime(datetime.fromisoformat(a.published))}</pubDate>"
        f"<description>{escape(a.paragraphs[0])}</description></item>"
        for a in articles
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>{base_url}/</link><description>{escape(title)}</description>{items}</channel></rss>")


def news_sitemap(base_url: str, articles: Sequence[NewsArticle], publication: str = "Báo Thử") -> str:
    """A Google News sitemap of ``articles``."""
    from html import escape

    urls = "".join(
        f"<url><loc>{base_url}{a.path}</loc><news:news><news:publication><news:name>{escape(publication)}"
        f"</news:name><news:language>vi</news:language></news:publication>"
        f"<news:publication_date>{a.published}</news:publication_date>"
        f"<news:title>{escape(a.title)}</news:title></news:news></url>"
        for a in articles
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>')


def listing_html(articles: Sequence[NewsArticle], section: str = "Thời sự") -> str:
    """A section page: a menu of categories, then links to ``articles``, then pagination."""
    from html import escape

    links = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in articles)
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{escape(section)}</title></head><body>'
        '<nav class="menu"><a href="/">Trang chủ</a> <a href="/chuyen-muc/kinh-te/">Kinh tế</a>'
        ' <a href="/chuyen-muc/xa-hoi/">Xã hội</a></nav>'
        f'<h1>{escape(section)}</h1><ul class="list-news">{links}</ul>'
        '<div class="pagination"><a href="/thoi-su/trang-2/">Trang 2</a></div></body></html>'
    )
