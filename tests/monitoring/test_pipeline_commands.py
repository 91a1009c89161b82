"""The monitoring commands with exact contracts, through the whole pipeline."""

import io
import json
import os
import signal
import subprocess
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doingoai.monitoring import search
from doingoai.monitoring.models import Article, Story
from doingoai.monitoring.pipeline.ingest import Incoming, ingest

ARTICLES = [
    {"id": "a1", "url": "https://baohaiphong.vn/cang-lach-huyen-don-tau-lon-1.html",
     "title": "Cảng Lạch Huyện đón tàu container lớn nhất từ trước đến nay",
     "text": "Sáng 12/3, cảng cửa ngõ quốc tế Hải Phòng tại Lạch Huyện đã đón tàu container có sức chở 18.000 TEU. "
             "Đây là dấu mốc quan trọng, khẳng định vị thế trung tâm logistics của thành phố Hải Phòng. "
             "Lãnh đạo thành phố cho biết sẽ tiếp tục đầu tư hạ tầng cảng biển.",
     "published": "2025-03-12T08:00:00+07:00"},
    {"id": "a2", "url": "https://vnexpress.net/cang-lach-huyen-don-tau-lon-2.html",
     "title": "Cảng Lạch Huyện đón tàu container lớn nhất từ trước đến nay",
     "text": "Theo báo Hải Phòng, sáng 12/3, cảng cửa ngõ quốc tế Hải Phòng tại Lạch Huyện đã đón tàu container có sức chở 18.000 TEU. "
             "Đây là dấu mốc quan trọng, khẳng định vị thế trung tâm logistics của thành phố Hải Phòng. "
             "Lãnh đạo thành phố cho biết sẽ tiếp tục đầu tư hạ tầng cảng biển.",
     "published": "2025-03-12T10:00:00+07:00"},
    {"id": "a3", "url": "https://example.vn/lua-gao-an-giang.html",
     "title": "An Giang được mùa lúa đông xuân",
     "text": "Nông dân tỉnh An Giang phấn khởi vì lúa đông xuân năm nay đạt năng suất cao, giá bán ổn định.",
     "published": "2025-03-10"},
]


def jsonl(rows) -> str:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"


def run_analyze(monkeypatch, rows, *args):
    monkeypatch.setattr("sys.stdin", io.StringIO(jsonl(rows)))
    out = io.StringIO()
    call_command("monitor", "analyze", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_analyze_writes_one_line_per_input_in_order_and_stores_nothing(db, monkeypatch):
    results = run_analyze(monkeypatch, ARTICLES)
    assert [r["id"] for r in results] == ["a1", "a2", "a3"]
    assert set(results[0]) == {"id", "lang", "relevant", "relevance", "themes", "sentiment", "story"}
    assert results[0]["lang"] == "vi" and results[0]["relevant"] is True and 0 <= results[0]["relevance"] <= 1
    assert results[0]["story"] == results[1]["story"] != results[2]["story"]  # a syndicated copy
    assert results[2]["relevant"] is False and results[2]["themes"] == [] and results[2]["sentiment"] == "na"
    assert Article.objects.count() == 0


def test_analyze_store_and_import_are_idempotent(db, monkeypatch, tmp_path):
    run_analyze(monkeypatch, ARTICLES, "--store")
    assert Article.objects.count() == 3
    story = Article.objects.get(external_id="a1").story
    assert story.article_count == 2 and Story.objects.count() == 2
    path = tmp_path / "bai.jsonl"
    path.write_text(jsonl(ARTICLES), encoding="utf-8")
    out = io.StringIO()
    call_command("monitor", "import", str(path), stdout=out)
    assert "Đã lưu 0 bài mới, bỏ qua 3 bài đã có." in out.getvalue()
    assert Article.objects.count() == 3


def test_a_malformed_line_is_refused_with_its_number(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(jsonl(ARTICLES[:1]) + "{không phải json\n"))
    with pytest.raises(CommandError, match="Dòng 2: không phải JSON hợp lệ"):
        call_command("monitor", "analyze", stdout=io.StringIO())
    monkeypatch.setattr("sys.stdin", io.StringIO(jsonl([{"id": "x", "title": "Tin", "published": "32/13/2025"}])))
    with pytest.raises(CommandError, match="ngày đăng"):
        call_command("monitor", "analyze", stdout=io.StringIO())


def test_search_finds_vietnamese_without_diacritics(db, monkeypatch):
    run_analyze(monkeypatch, ARTICLES, "--store")
    out = io.StringIO()
    call_command("monitor", "search", "cang lach huyen", "--json", stdout=out)
    hits = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {h["title"] for h in hits} == {"Cảng Lạch Huyện đón tàu container lớn nhất từ trước đến nay"}
    assert len(hits) == 2
    with pytest.raises(CommandError):
        call_command("monitor", "search", '"không đóng ngoặc', stdout=io.StringIO())


def test_process_html_runs_saved_pages_and_reports_time_per_stage(db, tmp_path):
    page = ("<html lang='vi'><head><title>Du lịch Cát Bà hút khách</title>"
            "<link rel='canonical' href='https://baohaiphong.vn/du-lich-cat-ba.html'></head><body><article>"
            "<h1>Du lịch Cát Bà hút khách dịp lễ</h1>"
            + "<p>Quần đảo Cát Bà đón hàng chục nghìn lượt khách trong dịp nghỉ lễ, các khách sạn kín phòng.</p>" * 6
            + "<script>alert('x')</script></article></body></html>")
    (tmp_path / "cat-ba.html").write_text(page, encoding="utf-8")
    (tmp_path / "khong-dia-chi.html").write_text("<html><body><p>Trang không có địa chỉ.</p></body></html>")
    out = io.StringIO()
    call_command("monitor", "process-html", str(tmp_path), stdout=out)
    text = out.getvalue()
    assert "Trang: 2; lưu mới: 1" in text and "lỗi: 1" in text and "ms/trang" in text
    article = Article.objects.get()
    assert article.url == "https://baohaiphong.vn/du-lich-cat-ba.html" and "alert" not in article.html + article.text


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(tmp_path, doingoai_bin, subprocess_env):
    rows = [{"id": f"b{i}", "url": f"https://baohaiphong.vn/tin-{i}.html",
             "title": f"Hải Phòng khánh thành công trình số {i} tại khu công nghiệp Đình Vũ",
             "text": f"Công trình số {i} có tổng vốn {i * 7} tỷ đồng, góp phần phát triển kinh tế thành phố Hải Phòng. "
                     f"Mã công trình {i * 7919 % 10007}.", "published": "2025-04-01"} for i in range(400)]
    path = tmp_path / "lo.jsonl"
    path.write_text(jsonl(rows), encoding="utf-8")
    proc = subprocess.Popen([doingoai_bin, "monitor", "import", str(path)], env=subprocess_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while Article.objects.count() < 20 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    if proc.poll() is not None:
        pytest.fail(f"the import ended before it could be killed: {proc.stderr.read().decode()[-2000:]}")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = Article.objects.count()
    assert 0 < stored < 400, "the worker should have been killed in the middle of the batch"
    again = subprocess.run([doingoai_bin, "monitor", "import", str(path)], env=subprocess_env,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    assert Article.objects.count() == 400
    assert Article.objects.values("url_key").distinct().count() == 400
    assert f"bỏ qua {stored} bài đã có" in again.stdout or f"bỏ qua {stored}" in again.stdout
    # Each batch is stored and indexed in one transaction: no article is stored unindexed.
    assert search.search("khánh thành công trình", limit=5).total == 400


def test_the_same_address_twice_in_one_batch_is_stored_once(db):
    text = "Thành phố Hải Phòng khánh thành cầu Rào 1 mới, nối hai quận nội thành."
    items = [Incoming(url="https://baohaiphong.vn/cau-rao.html?utm_source=fb", title="Khánh thành cầu Rào 1", text=text),
             Incoming(url="https://baohaiphong.vn/cau-rao.html", title="Khánh thành cầu Rào 1", text=text),
             Incoming(url="https://baohaiphong.vn/cau-rao-2.html", title="Khánh thành cầu Rào 1 mới", text=text)]
    outcomes = ingest(items)
    assert [o.created for o in outcomes] == [True, False, True]
    assert Article.objects.count() == 2
    assert Story.objects.get().article_count == 2
