"""`doingoai monitor fetch URL` prints what the safe fetcher did."""

import io

import pytest
from django.core.management import call_command

from tests.monitoring.servers import Reply, serve


def test_fetch_prints_the_outcome_of_a_local_page(settings):
    settings.DOINGOAI_FETCH_ALLOW_LOOPBACK = True
    page = "<html><head><title>Cảng Lạch Huyện</title></head><body>Tin về cảng</body></html>"
    with serve({"/tin": Reply(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"}),
                "/robots.txt": Reply(404, b"")}) as server:
        out = io.StringIO()
        call_command("monitor", "fetch", server.url("/tin"), stdout=out)
    text = out.getvalue()
    assert "200" in text and "utf-8" in text.lower()


def test_fetch_of_an_internal_address_is_refused_with_a_clear_message():
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("monitor", "fetch", "http://10.1.2.3/x", stdout=out)
    assert exit_.value.code == 1
    assert "mạng riêng (nội bộ)" in out.getvalue()
