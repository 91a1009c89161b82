"""Evidence of a case's addresses: what a page showed at a moment, kept as the raw HTML, the
extracted text and a full-page screenshot, each with its SHA-256, never changed afterwards;
repeated captures tell whether the content was edited or removed.

Every site here is a local server speaking real HTTP (tests/monitoring/servers.py); the
screenshots are taken by Debian's Chromium.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from doingoai.cases import evidence, screenshots
from doingoai.cases.models import Capture, Case, CaseURL, Origin
from doingoai.core.models import AuditEntry, JobRecord
from doingoai.monitoring.pipeline.fetch import FetchPolicy, Timeouts
from tests.monitoring.servers import Reply, redirect, serve

CAPTURE_TASK = "doingoai.cases.tasks.capture_evidence"
FAST = FetchPolicy(min_host_interval=0, retries=0, respect_robots=False, allow_loopback=True,
                   timeout=Timeouts(connect=2, read=5, total=10))
BACKGROUND = (10, 120, 200)  # the stylesheet's page colour, #0a78c8

PARAGRAPHS = [
    "Một tài khoản mạng xã hội đăng tin cho rằng cảng Lạch Huyện sẽ ngừng đón tàu container từ "
    "tháng tới vì luồng hàng hải bị bồi lấp nghiêm trọng, gây hoang mang cho nhiều doanh nghiệp.",
    "Theo Cảng vụ Hàng hải Hải Phòng, thông tin trên hoàn toàn sai sự thật: luồng tàu vẫn được nạo "
    "vét định kỳ, các bến container tại Lạch Huyện vẫn tiếp nhận tàu trọng tải lớn bình thường.",
    "Sở Thông tin và Truyền thông đề nghị người dân chỉ tiếp nhận thông tin từ các nguồn chính thống "
    "và không chia sẻ những nội dung chưa được kiểm chứng trên mạng xã hội.",
]
TITLE = "Tin đồn cảng Lạch Huyện ngừng đón tàu container"


def page(paragraphs=PARAGRAPHS, title=TITLE) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        '<link rel="stylesheet" href="/giao-dien.css">'
        '<link rel="prefetch" href="/tai-truoc.html">'
        '<script src="/thu-vien.js"></script>'
        # If scripts ran, the title would change and the server would hear about it.
        '<script>document.title = "Đã bị script sửa"; new Image().src = "/script-da-chay";</script>'
        '</head><body><nav><a href="/">Trang chủ</a> <a href="/thoi-su/">Thời sự</a></nav>'
        f'<article><h1>{escape(title)}</h1>{body}'
        '<img src="/anh/cang-lach-huyen.png" width="320" height="160" alt="Cảng Lạch Huyện">'
        "</article><footer><p>Trang thử nghiệm.</p></footer></body></html>"
    )


def png_bytes(colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 160), colour).save(out, format="PNG")
    return out.getvalue()


def site_routes(html: str | None = None) -> dict:
    return {
        "/bai-viet/tin-don-cang.html": Reply(body=html or page()),
        "/giao-dien.css": Reply(body="body { background: #0a78c8; color: #fff; }",
                                headers={"Content-Type": "text/css; charset=utf-8"}),
        "/anh/cang-lach-huyen.png": Reply(body=png_bytes(), headers={"Content-Type": "image/png"}),
        "/thu-vien.js": Reply(body="document.title = 'x';", headers={"Content-Type": "text/javascript"}),
        "/script-da-chay": Reply(body="đã chạy"),
        "/tai-truoc.html": Reply(body="tải trước"),
    }


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.DOINGOAI_FETCH_ALLOW_LOOPBACK = True
    return tmp_path / "evidence"


@pytest.fixture
def case(units, inspector):
    return Case.objects.create(number="VV-2025-007", title="Tin đồn cảng Lạch Huyện ngừng hoạt động",
                               origin=Origin.STAFF, owner_unit=units["TTS"], opened_by=inspector)


def add_url(case, url: str) -> CaseURL:
    return CaseURL.objects.create(case=case, url=url, url_key=hashlib.sha256(url.encode()).hexdigest())


def take(case_url: CaseURL, user=None) -> Capture:
    """Request a capture and run it at once, as the job would."""
    item = evidence.request_capture(case_url, user)
    evidence.capture(item.pk, policy=FAST)
    item.refresh_from_db()
    return item


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored(file) -> bytes:
    with file.storage.open(file.name, "rb") as handle:
        return handle.read()


# --- one capture ------------------------------------------------------------------------------


def test_a_capture_keeps_the_raw_html_the_text_and_a_full_page_screenshot_each_with_its_hash(
        case, inspector, evidence_dir, settings):
    with serve(site_routes()) as site:
        item = take(add_url(case, site.url("/bai-viet/tin-don-cang.html")), inspector)

    assert item.status == Capture.Status.DONE and item.error == ""
    assert item.change == Capture.Change.FIRST and item.http_status == 200 and item.attempts == 1
    assert item.taken_at is not None and item.final_url == site.url("/bai-viet/tin-don-cang.html")

    html = stored(item.html)
    assert html == page().encode("utf-8")  # byte for byte what the server sent
    assert item.html_sha256 == sha(html)
    assert item.html.name.endswith(f"VV-2025-007-{item.pk}.html")
    assert item.text.startswith(TITLE) and PARAGRAPHS[1] in item.text and "Trang chủ" not in item.text
    assert item.text_sha256 == sha(item.text.encode("utf-8"))

    png = stored(item.screenshot)
    assert item.screenshot_sha256 == sha(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    picture = Image.open(io.BytesIO(png))
    assert picture.width == 1280 and picture.height > 0
    assert picture.convert("RGB").getpixel((5, 5)) == BACKGROUND  # the stylesheet was applied
    assert evidence.verify(item)

    # The files live outside MEDIA_ROOT, which DEBUG would serve to anyone, and have no URL.
    path = evidence_dir / item.html.name
    assert path.is_file() and str(settings.MEDIA_ROOT) not in str(path.resolve())
    with pytest.raises(ValueError):
        item.html.url  # noqa: B018
    # The hashes are also written in the hash-chained audit log.
    entry = AuditEntry.objects.filter(action="cases.evidence.captured", object_id=str(item.pk)).get()
    assert entry.changes["screenshot_sha256"] == item.screenshot_sha256


def test_chromium_fetches_nothing_itself_and_runs_no_script(case):
    with serve(site_routes()) as site:
        item = take(add_url(case, site.url("/bai-viet/tin-don-cang.html")))
        assert site.hits("/bai-viet/tin-don-cang.html") == 1  # the fetcher's one fetch
        assert site.hits("/script-da-chay") == 0 and site.hits("/thu-vien.js") == 0
        assert site.hits("/tai-truoc.html") == 0
        # The stylesheet and the image came through the safe fetcher, not through Chromium.
        for path in ("/giao-dien.css", "/anh/cang-lach-huyen.png"):
            [request] = site.requests_to(path)
            assert request.headers["user-agent"].startswith("doingoai/")
        assert all("Chrome" not in r.headers.get("user-agent", "") for r in site.requests)
    assert item.status == Capture.Status.DONE and item.screenshot


def test_a_subresource_on_the_internal_network_is_left_out_of_the_picture(case):
    # The page asks for an image at the cloud metadata address; the fetcher refuses it before
    # any connection, the screenshot is taken without it.
    html = page().replace("/anh/cang-lach-huyen.png", "http://169.254.169.254/latest/meta-data/anh.png")
    with serve({"/": Reply(body=html)}) as site:
        shot = screenshots.take(html.encode(), site.url("/"), policy=FAST)
    assert "http://169.254.169.254/latest/meta-data/anh.png" in shot.refused
    assert shot.width == 1280 and not shot.truncated


def test_an_endless_page_is_pictured_down_to_the_height_limit(case):
    html = '<html><body style="margin:0"><div style="height:60000px;background:#0a78c8">Rất dài</div></body></html>'
    with serve({"/trang-dai": Reply(body=html)}) as site:
        item = take(add_url(case, site.url("/trang-dai")))
    picture = Image.open(io.BytesIO(stored(item.screenshot)))
    assert (picture.width, picture.height) == (1280, screenshots.MAX_HEIGHT)
    assert item.status == Capture.Status.DONE and "20.000 điểm ảnh" in item.error


# --- repeated captures ------------------------------------------------------------------------


def test_captures_tell_whether_the_content_stayed_was_edited_or_was_removed(case):
    with serve(site_routes()) as site:
        url = add_url(case, site.url("/bai-viet/tin-don-cang.html"))
        first = take(url)
        same = take(url)
        site.routes["/bai-viet/tin-don-cang.html"] = Reply(body=page(
            [*PARAGRAPHS[:2], "Bài viết đã được tác giả chỉnh sửa sau khi cơ quan chức năng lên tiếng."]))
        edited = take(url)
        site.routes["/bai-viet/tin-don-cang.html"] = Reply(status=404, body="Không tìm thấy bài viết")
        removed = take(url)

    assert [c.change for c in (first, same, edited, removed)] == ["first", "same", "edited", "removed"]
    assert first.text_sha256 == same.text_sha256 != edited.text_sha256
    assert first.html_sha256 == same.html_sha256
    assert "chỉnh sửa sau khi cơ quan chức năng lên tiếng" in edited.text
    assert removed.status == Capture.Status.DONE and removed.http_status == 404
    assert not removed.html and not removed.screenshot and "HTTP 404" in removed.error
    assert all(evidence.verify(c) for c in (first, same, edited, removed))
    # Earlier captures are untouched by the later ones.
    first.refresh_from_db()
    assert first.change == "first" and stored(first.html) == page().encode()


def test_a_page_emptied_of_its_text_counts_as_removed(case):
    with serve({"/bai": Reply(body=page())}) as site:
        url = add_url(case, site.url("/bai"))
        take(url)
        site.routes["/bai"] = Reply(body="<!DOCTYPE html><html><head><title></title></head><body></body></html>")
        emptied = take(url)
    assert emptied.change == Capture.Change.REMOVED and emptied.http_status == 200 and emptied.text == ""


# --- what goes wrong --------------------------------------------------------------------------


def test_an_address_on_the_internal_network_is_refused_with_a_clear_message_and_not_retried(case):
    # Refused after DNS, before any connection: nothing is sent to 10.0.0.1.
    item = take(add_url(case, "http://10.0.0.1/tin-noi-bo"))
    assert item.status == Capture.Status.FAILED and item.attempts == 1
    assert "mạng riêng (nội bộ)" in item.error and "Không thử lại" in item.error
    assert not item.html and not item.text_sha256


def test_a_redirect_to_the_cloud_metadata_address_is_refused_and_not_retried(case):
    with serve({"/chuyen": redirect("http://169.254.169.254/latest/meta-data/")}) as site:
        item = take(add_url(case, site.url("/chuyen")))
    assert item.status == Capture.Status.FAILED
    assert "link-local" in item.error and "169.254.169.254" in item.error
    assert item.final_url == "http://169.254.169.254/latest/meta-data/"


def test_a_server_error_fails_the_attempt_and_the_job_tries_again_until_its_last_attempt(case):
    opened = Case.objects.values().get(pk=case.pk)
    with serve({"/bai": Reply(status=503, body="Bảo trì")}) as site:
        item = evidence.request_capture(add_url(case, site.url("/bai")))
        for attempt in range(1, evidence.MAX_ATTEMPTS):
            with pytest.raises(evidence.CaptureRetry):
                evidence.capture(item.pk, policy=FAST)
            item.refresh_from_db()
            assert item.status == Capture.Status.FAILED and item.attempts == attempt
            assert "HTTP 503" in item.error and "sẽ tự thử lại" in item.error
        summary = evidence.capture(item.pk, policy=FAST)  # the last attempt does not raise
        site.routes["/bai"] = Reply(body=page())
    item.refresh_from_db()
    assert summary["status"] == "failed" and item.attempts == evidence.MAX_ATTEMPTS
    assert f"sau {evidence.MAX_ATTEMPTS} lần thử" in item.error
    assert Case.objects.values().get(pk=case.pk) == opened  # the case is untouched


def test_a_capture_that_failed_once_succeeds_on_its_retry(case):
    with serve({"/bai": [Reply(status=503), Reply(body=page())]}) as site:
        item = evidence.request_capture(add_url(case, site.url("/bai")))
        with pytest.raises(evidence.CaptureRetry):
            evidence.capture(item.pk, policy=FAST)
        evidence.capture(item.pk, policy=FAST)
    item.refresh_from_db()
    assert item.status == Capture.Status.DONE and item.attempts == 2 and item.error == ""
    assert item.change == Capture.Change.FIRST and evidence.verify(item)


def test_without_chromium_the_screenshot_is_retried_then_the_capture_keeps_html_and_text(case, settings):
    settings.DOINGOAI_CHROMIUM = "/khong-co/chromium"
    with serve({"/bai": Reply(body=page())}) as site:
        item = evidence.request_capture(add_url(case, site.url("/bai")))
        with pytest.raises(evidence.CaptureRetry):
            evidence.capture(item.pk, policy=FAST)
        item.refresh_from_db()
        assert item.status == Capture.Status.FAILED and item.html_sha256 and item.text_sha256
        assert "chưa chụp được ảnh" in item.error and "/khong-co/chromium" in item.error
        for _attempt in range(2, evidence.MAX_ATTEMPTS):
            with pytest.raises(evidence.CaptureRetry):
                evidence.capture(item.pk, policy=FAST)
        evidence.capture(item.pk, policy=FAST)
        assert site.hits("/bai") == 1  # the retries picture the stored HTML: one fetch in all
    item.refresh_from_db()
    assert item.status == Capture.Status.DONE and not item.screenshot and item.html
    assert "không có ảnh chụp" in item.error and evidence.verify(item)


# --- immutability -----------------------------------------------------------------------------


def test_a_finished_capture_refuses_any_change_and_running_it_again_changes_nothing(case):
    with serve(site_routes()) as site:
        item = take(add_url(case, site.url("/bai-viet/tin-don-cang.html")))
        item.text = "Nội dung đã bị sửa tay"
        with pytest.raises(ValidationError):
            item.save()
        assert evidence.capture(item.pk, policy=FAST)["status"] == "done"
        assert site.hits("/bai-viet/tin-don-cang.html") == 1
    item.refresh_from_db()
    assert item.text != "Nội dung đã bị sửa tay" and item.attempts == 1


def test_verify_finds_a_file_or_a_text_altered_after_the_capture(case, evidence_dir):
    with serve(site_routes()) as site:
        item = take(add_url(case, site.url("/bai-viet/tin-don-cang.html")))
    assert evidence.verify(item)
    path = evidence_dir / item.html.name
    path.chmod(0o640)
    path.write_bytes(stored(item.html).replace("sai sự thật".encode(), "đúng sự thật".encode()))
    assert not evidence.verify(item)

    with serve(site_routes()) as site:
        other = take(add_url(case, site.url("/bai-viet/tin-don-cang.html?lan=2")))
    Capture.objects.filter(pk=other.pk).update(text=other.text + " (thêm)")  # behind the model's back
    other.refresh_from_db()
    assert not evidence.verify(other)


# --- screens ----------------------------------------------------------------------------------


@pytest.fixture
def captured(case):
    with serve(site_routes()) as site:
        return take(add_url(case, site.url("/bai-viet/tin-don-cang.html")))


def test_the_raw_html_is_only_ever_downloaded_never_rendered(captured, inspector, signed_in):
    response = signed_in(inspector).get(reverse("cases_evidence_html", args=[captured.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response.content == stored(captured.html)


def test_the_screenshot_and_the_text_open_in_the_browser_as_what_they_are(captured, leader, signed_in):
    client = signed_in(leader)
    image = client.get(reverse("cases_evidence_screenshot", args=[captured.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image.content[:8] == b"\x89PNG\r\n\x1a\n" and image["X-Content-Type-Options"] == "nosniff"
    text = client.get(reverse("cases_evidence_text", args=[captured.pk]))
    assert text["Content-Type"] == "text/plain; charset=utf-8" and text["Content-Security-Policy"].startswith("sandbox")
    assert sha(text.content) == captured.text_sha256


def test_a_file_altered_on_disk_is_not_served(captured, inspector, signed_in, evidence_dir):
    path = evidence_dir / captured.screenshot.name
    path.chmod(0o640)
    path.write_bytes(png_bytes())
    response = signed_in(inspector).get(reverse("cases_evidence_screenshot", args=[captured.pk]))
    assert response.status_code == 409
    assert "không còn khớp mã SHA-256" in response.content.decode()


def test_people_outside_the_cases_units_see_no_evidence(captured, outsider, signed_in):
    client = signed_in(outsider)
    for name in ("cases_evidence_html", "cases_evidence_screenshot", "cases_evidence_text"):
        assert client.get(reverse(name, args=[captured.pk])).status_code == 403
    assert client.get(reverse("cases_evidence_case", args=[captured.case_url.case_id])).status_code == 403
    response = client.post(reverse("cases_evidence_recapture", args=[captured.case_url_id]))
    assert response.status_code == 403
    assert Capture.objects.count() == 1


def test_a_specialist_of_a_unit_the_case_never_passed_through_does_not_see_its_evidence(
        captured, press_specialist, signed_in):
    response = signed_in(press_specialist).get(reverse("cases_evidence_html", args=[captured.pk]))
    assert response.status_code == 403
    assert "không được xem vụ việc này" in response.content.decode()


def test_the_evidence_panel_lists_each_address_with_its_captures_and_hashes(captured, inspector, signed_in):
    body = signed_in(inspector).get(reverse("cases_evidence_case", args=[captured.case_url.case_id])).content.decode()
    assert "Chứng cứ của vụ việc VV-2025-007" in body
    assert captured.html_sha256 in body and captured.text_sha256 in body and captured.screenshot_sha256 in body
    assert "Lần thu thập đầu" in body and "Thu thập lại" in body
    assert captured.taken_at.astimezone().strftime("%d/%m/%Y") in body
    assert reverse("cases_evidence_html", args=[captured.pk]) in body


def test_the_case_page_shows_the_evidence_panel(captured, chief_inspector, signed_in):
    body = signed_in(chief_inspector).get(captured.case_url.case.get_absolute_url()).content.decode()
    assert "Chứng cứ" in body and captured.screenshot_sha256 in body
    assert reverse("cases_evidence_recapture", args=[captured.case_url_id]) in body


def test_capturing_again_twice_in_a_row_queues_one_capture(captured, inspector, signed_in, empty_queue):
    client = signed_in(inspector)
    url = reverse("cases_evidence_recapture", args=[captured.case_url_id])
    first = client.post(url, {"next": "/admin/"}, follow=True)
    assert "Đã yêu cầu thu thập lại" in first.content.decode()
    second = client.post(url, {"next": "/admin/"}, follow=True)
    assert "đang chờ thu thập" in second.content.decode()
    pending = Capture.objects.filter(case_url=captured.case_url, status=Capture.Status.PENDING)
    assert pending.count() == 1 and pending.get().requested_by == inspector
    assert client.get(url).status_code == 405  # only a form posts it


# --- the job ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_takes_the_capture_and_records_a_refused_address_without_retrying(
        units, doingoai_bin, subprocess_env, empty_queue):
    # The worker runs with the platform's real settings: loopback is an internal address there.
    case = Case.objects.create(number="VV-2025-008", title="Tin giả về cảng", origin=Origin.STAFF,
                               owner_unit=units["TTS"])
    with serve({"/bai": Reply(body=page())}) as site:
        item = evidence.request_capture(add_url(case, site.url("/bai")))
        proc = subprocess.run([doingoai_bin, "worker", "--burst"], env=subprocess_env, capture_output=True,
                              text=True, timeout=180)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert site.hits("/bai") == 0  # refused before any connection
    [record] = JobRecord.objects.filter(task_path=CAPTURE_TASK)
    assert record.status == JobRecord.Status.SUCCESSFUL and record.args == [item.pk]
    item.refresh_from_db()
    assert item.status == Capture.Status.FAILED and "loopback" in item.error and item.attempts == 1
