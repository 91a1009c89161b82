"""A full-page screenshot of a page already fetched, taken with Debian's headless Chromium.

The page is untrusted, so Chromium never reaches the network by itself:

* the main document is served from the bytes the safe fetcher already received (one fetch of
  the page, the same bytes as the stored HTML);
* stylesheets, images and fonts are fetched through the safe fetcher
  (``monitoring.pipeline.fetch``: public addresses only, checked after DNS and at every
  redirect, size caps); a refused or failed one is left out of the picture;
* everything else (scripts, frames, media, prefetches, later navigations) is refused, and
  JavaScript is off;
* behind the interception Chromium has no way out: every host name resolves to nothing and
  every connection goes to a proxy that does not exist (so a ``preconnect`` or DNS prefetch
  the interception does not see reaches no one);
* a time budget and a number of subresources bound the work; the picture is at most
  ``MAX_HEIGHT`` pixels high, so an endless page cannot exhaust memory.

Nothing here touches the database: Playwright runs its event loop in the calling thread and
Django refuses ORM calls there, so ``take`` runs Playwright in a thread of its own and the
caller keeps the ORM work outside.
"""

from __future__ import annotations

import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.utils.translation import gettext as _

from doingoai.monitoring.pipeline import fetch as fetching

__all__ = ["MAX_HEIGHT", "ScreenshotError", "Shot", "png_size", "take"]

WIDTH = 1280
VIEWPORT_HEIGHT = 900
MAX_HEIGHT = 20000
BUDGET_SECONDS = 20.0
MAX_SUBRESOURCES = 60
SUBRESOURCE_MAX_BYTES = 5 * fetching.MiB
SUBRESOURCE_TYPES = frozenset({"stylesheet", "image", "font"})

# Chromium's own network is shut: names resolve to nothing, connections go to a closed port of
# this machine (loopback included: "<-loopback>" removes the implicit bypass of 127.0.0.1).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-domain-reliability", "--disable-breakpad", "--no-first-run", "--no-pings",
    "--disable-quic", "--dns-prefetch-disable", "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
]


class ScreenshotError(Exception):
    """The screenshot could not be taken; ``message`` says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Shot:
    png: bytes
    width: int
    height: int
    truncated: bool  # the page was taller than MAX_HEIGHT: the picture shows its top
    fetched: list[str] = field(default_factory=list)  # subresources served (through the fetcher)
    refused: list[str] = field(default_factory=list)  # subresources left out


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, or None when ``data`` is not one."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def subresource_policy(policy: fetching.FetchPolicy | None = None) -> fetching.FetchPolicy:
    """How subresources are fetched: like a browser loading one page (no host spacing, no
    retries), smaller caps, and a cache of their own (the route handler runs beside
    Playwright's event loop, where nothing may wait on shared state for long)."""
    base = policy or fetching.FetchPolicy()
    return base.replace(
        respect_robots=False, min_host_interval=0.0, retries=0,
        max_bytes=SUBRESOURCE_MAX_BYTES, max_decompressed_bytes=SUBRESOURCE_MAX_BYTES,
        cache=LocMemCache("doingoai-evidence-subresources", {}),
    )


def chromium_path() -> str:
    return str(getattr(settings, "DOINGOAI_CHROMIUM", "") or "/usr/bin/chromium")


def take(html: bytes, url: str, *, content_type: str | None = None,
         policy: fetching.FetchPolicy | None = None, budget: float = BUDGET_SECONDS,
         max_subresources: int = MAX_SUBRESOURCES, max_height: int = MAX_HEIGHT) -> Shot:
    """A full-page PNG of ``html`` (the bytes fetched from ``url``), 1280 pixels wide.

    Raises ``ScreenshotError`` (Vietnamese message) when Chromium is missing or fails."""
    executable = chromium_path()
    if not Path(executable).exists():
        raise ScreenshotError(_("Không tìm thấy trình duyệt Chromium ở %(path)s (đặt biến môi "
                                "trường CHROMIUM hoặc cài gói chromium).") % {"path": executable})
    text, _charset = fetching.decode_text(html, content_type)
    document = text.encode("utf-8")  # decoded once, as the text extraction did; sent as UTF-8
    options = dict(url=url, document=document, policy=subresource_policy(policy), budget=budget,
                   max_subresources=max_subresources, max_height=max_height, executable=executable)
    outcome: dict = {}

    def run():
        try:
            outcome["shot"] = _render(**options)
        except ScreenshotError as exc:
            outcome["error"] = exc
        except Exception as exc:  # Playwright's errors, a crashed browser …
            outcome["error"] = ScreenshotError(_("Chromium không chụp được trang: %(detail)s")
                                               % {"detail": _first_line(exc)})

    worker = threading.Thread(target=run, name="doingoai-screenshot", daemon=True)
    worker.start()
    worker.join(budget + 60)  # Playwright's own timeouts end it well before this
    if worker.is_alive():
        raise ScreenshotError(_("Chromium không trả kết quả sau %(n)s giây.") % {"n": int(budget + 60)})
    if "error" in outcome:
        raise outcome["error"]
    return outcome["shot"]


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def _render(*, url, document, policy, budget, max_subresources, max_height, executable) -> Shot:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    deadline = time.monotonic() + budget
    fetched: list[str] = []
    refused: list[str] = []
    state = {"main_served": False}

    def handle(route, request):
        if not state["main_served"] and request.is_navigation_request():
            state["main_served"] = True
            route.fulfill(status=200, body=document,
                          headers={"Content-Type": "text/html; charset=utf-8"})
            return
        left = deadline - time.monotonic()
        wanted = request.url
        if (request.resource_type not in SUBRESOURCE_TYPES or request.method != "GET"
                or not wanted.startswith(("http://", "https://"))
                or left <= 1 or len(fetched) + len(refused) >= max_subresources):
            refused.append(wanted)
            route.abort("blockedbyclient")
            return
        timeout = fetching.Timeouts(connect=min(3.0, left), read=min(5.0, left), total=min(8.0, left))
        result = fetching.fetch(wanted, policy=policy.replace(timeout=timeout))
        if not result.ok or result.status != 200:
            refused.append(wanted)
            route.abort("blockedbyclient")
            return
        fetched.append(wanted)
        route.fulfill(status=200, body=result.content, headers={
            "Content-Type": result.headers.get("content-type", "application/octet-stream")})

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS, timeout=30000)
        try:
            context = browser.new_context(
                java_script_enabled=False, viewport={"width": WIDTH, "height": VIEWPORT_HEIGHT},
                device_scale_factor=1, service_workers="block", accept_downloads=False,
                locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
            )
            page = context.new_page()
            page.route("**/*", handle)
            try:
                page.goto(url, wait_until="load", timeout=max(1.0, deadline - time.monotonic()) * 1000)
            except PlaywrightError as exc:
                if not state["main_served"]:
                    raise ScreenshotError(_("Chromium không mở được trang: %(detail)s")
                                          % {"detail": _first_line(exc)}) from None
                # the budget ran out while subresources were loading: picture what is there
            height = int(page.evaluate(
                "Math.max(document.documentElement ? document.documentElement.scrollHeight : 0,"
                " document.body ? document.body.scrollHeight : 0)") or 0)
            png = page.screenshot(full_page=True, type="png", animations="disabled", timeout=30000,
                                  clip={"x": 0, "y": 0, "width": WIDTH, "height": max_height})
        finally:
            browser.close()
    size = png_size(png)
    if size is None:
        raise ScreenshotError(_("Chromium trả về ảnh không phải PNG."))
    return Shot(png=png, width=size[0], height=size[1], truncated=height > max_height,
                fetched=fetched, refused=refused)
