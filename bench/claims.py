"""Claim matching: quality on the labelled set, and speed at 1,000 cases.

1. Quality: `src/doingoai/cases/data/claims-eval.jsonl` (40 claims about Hải Phòng, 193
   articles in vi/en/zh/ko/ja: paraphrases, paraphrases typed without diacritics, syndicated
   copies of articles linked to a case, translations, the same place with another claim,
   unrelated news; the format is in `cases.matching.load_labelled`). Every (article, claim)
   pair is scored as `cases.matching` scores it; precision, recall and F1 are printed at the
   suggest and the auto thresholds of the settings, with recall also over the pairs in the
   claim's own language and, at auto, over the syndicated copies; then every error.
2. Speed: the 40 claims plus 960 generated ones (places × events of the city, a fifth of the
   cases with a linked article) — the index build (once per process while the cases do not
   change) and the time per article for batches of 1, 20 and 200 articles.

    .venv/bin/python bench/claims.py [--cases 1000] [--errors]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

PLACES = ["Cầu Hoàng Văn Thụ", "Cầu Bính", "Cầu Rào", "Sân bay Cát Bi", "Cảng Lạch Huyện", "Cảng Đình Vũ",
          "Đảo Cát Bà", "Bãi tắm Đồ Sơn", "Vịnh Lan Hạ", "Chợ Sắt", "Chợ Tam Bạc", "Nhà hát lớn Hải Phòng",
          "Bệnh viện Việt Tiệp", "Bệnh viện Trẻ em Hải Phòng", "Khu công nghiệp DEEP C", "Khu công nghiệp Tràng Duệ",
          "Hầm đường bộ qua sông Cấm", "Phà Gót", "Đảo Bạch Long Vĩ", "Huyện Thủy Nguyên", "Quận Lê Chân",
          "Quận Ngô Quyền", "Quận Hồng Bàng", "Quận Kiến An", "Huyện An Lão", "Huyện Tiên Lãng", "Huyện Vĩnh Bảo",
          "Thành phố Hải Dương", "Chí Linh", "Kinh Môn", "Cao tốc Hà Nội – Hải Phòng", "Ga Hải Phòng",
          "Trường THPT chuyên Trần Phú", "Công viên Tam Bạc", "Nhà máy VinFast", "Công ty Cấp nước Hải Phòng",
          "Điện lực Hải Phòng", "Bến xe Cầu Rào", "Khu đô thị Bắc sông Cấm", "Vườn quốc gia Cát Bà"]
EVENTS = ["bị sập hoàn toàn trong đêm", "bị đóng cửa vô thời hạn", "bị phong tỏa vì dịch bệnh",
          "bị thu hồi để giao cho nhà đầu tư nước ngoài", "xảy ra cháy lớn, nhiều người thương vong",
          "bị nhiễm độc, người dân phải sơ tán", "bị ngập sâu, nước tràn vào nhà dân",
          "bị cấm người dân qua lại", "sắp bị phá dỡ", "tăng giá gấp mười lần", "sa thải toàn bộ nhân viên",
          "bị tàu nước ngoài chiếm giữ", "bị rò rỉ hóa chất độc hại", "xảy ra vụ bắt cóc trẻ em",
          "bị nứt, có nguy cơ đổ sập", "ngừng hoạt động từ tháng sau", "bị điều tra vì tham nhũng",
          "bị cắt điện, cắt nước cả tuần", "xảy ra động đất làm nứt nhà", "bị cấm khách du lịch"]


def setup_django(directory: Path) -> None:
    os.environ["DOINGOAI_DATA_DIR"] = str(directory)
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "doingoai.settings.base"
    import django

    django.setup()


def generated_documents(claims: list[dict], articles: list[dict], n_cases: int) -> list[tuple[int, str]]:
    from doingoai.cases.matching import article_text

    rng = random.Random(7)
    by_id = {a["id"]: a for a in articles}
    docs = []
    for n, c in enumerate(claims):
        docs.append((n, c["claim"]))
        docs += [(n, article_text(by_id[a]["title"], by_id[a]["text"])) for a in c.get("linked", [])]
    for n in range(len(claims), n_cases):
        place, event = rng.choice(PLACES), rng.choice(EVENTS)
        claim = f"{place} {event}."
        docs.append((n, claim))
        if rng.random() < 0.2:
            extra = " ".join(f"{rng.choice(PLACES)} {rng.choice(EVENTS)}." for _ in range(6))
            docs.append((n, article_text(f"Tin đồn: {place.lower()} {event}", f"Mạng xã hội lan truyền tin {claim} {extra}")))
    return docs


def pct(x: float) -> str:
    return f"{x:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--errors", action="store_true", help="list every wrong pair at the suggest threshold")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from doingoai.cases import matching

        claims, articles = matching.load_labelled()
        figures = matching.evaluate(claims, articles)
        print(f"Labelled set: {figures['claims']} claims, {figures['articles']} articles evaluated, "
              f"{figures['pairs']} matching pairs")
        print(f"{'':34} {'thr':>5} {'P':>6} {'R':>6} {'F1':>6} {'pred':>5} {'true':>5}")
        for key, label in [("suggest", "suggest, all pairs"), ("suggest_same_language", "suggest, same language"),
                           ("auto", "auto, all pairs"), ("auto_copies", "auto, recall of syndicated copies")]:
            f = figures[key]
            print(f"{label:34} {f['threshold']:>5} {pct(f['precision']):>6} {pct(f['recall']):>6} "
                  f"{pct(f['f1']):>6} {f['predicted']:>5} {f['true']:>5}")
        wrong = [e for e in figures["errors"] if e["error"] == "sai"]
        missed = [e for e in figures["errors"] if e["error"] == "sót"]
        by_kind: dict[str, int] = {}
        for e in missed:
            by_kind[e["kind"]] = by_kind.get(e["kind"], 0) + 1
        print(f"false suggestions: {len(wrong)}; missed pairs: {len(missed)} {by_kind}")
        if args.errors:
            for e in figures["errors"]:
                print(f"  {e['error']:4} {e['article']} ({e['kind']}, {e['lang']}) ~ {e['claim']}: {e['score']}")

        docs = generated_documents(claims, articles, args.cases)
        started = time.perf_counter()
        index = matching.ClaimIndex(docs)
        build = time.perf_counter() - started
        items = [(a["title"], a["text"]) for a in articles]
        items = (items * (200 // len(items) + 1))[:200]
        index.scores(items[:5])  # warm up
        print(f"\nSpeed at {len(index)} cases ({len(docs)} documents): index built in {build:.2f} s "
              "(once per process while the cases do not change)")
        for batch in (1, 20, 200):
            rounds = max(1, 200 // batch)
            started = time.perf_counter()
            for r in range(rounds):
                index.scores(items[(r * batch) % 200:(r * batch) % 200 + batch])
            per = (time.perf_counter() - started) / (rounds * batch)
            print(f"  batch of {batch:>3} articles: {per * 1000:.1f} ms per article")


if __name__ == "__main__":
    main()
