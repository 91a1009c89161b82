"""plans.importer: a plan file (text, OCR text, DOCX, PDF, scan) read into its document
fields and its tasks, each with a lead unit, coordinating units and a timeline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from doingoai.core import seed, vntext
from doingoai.plans import importer
from doingoai.plans.importer import PlanImportError, UnitRef
from doingoai.plans.management.commands.plans import Command as PlansCommand

from . import documents

FIXTURES = Path(__file__).parent / "fixtures"
SEED_OCR = FIXTURES / "000_057609350bf8065e.txt"
WHOLE_2025 = ("2025-01-01", "2025-12-31")


# --- the reference plan, read from its OCR text ------------------------------------------------
@pytest.fixture(scope="module")
def reference():
    return seed.reference_plan()


@pytest.fixture(scope="module")
def seed_units(reference):
    return [UnitRef(u["code"], u["name"], tuple(u.get("aliases", ())), u["internal"]) for u in reference["units"]]


@pytest.fixture(scope="module")
def seed_plan(seed_units):
    return importer.parse(SEED_OCR.read_text(encoding="utf-8"), seed_units)


def expected_contract(reference) -> dict:
    """The contract the seed's OCR text must give: the reference plan's facts, its unit codes
    written as the registered names."""
    names = {u["code"]: u["name"] for u in reference["units"]}
    doc = reference["document"]
    return {
        "document": {"number": doc["number"], "date": doc["date"], "title": doc["title"], "issuer": doc["issuer"]},
        "tasks": [
            {
                "no": t["no"],
                "title": t["title"],
                "lead": names[t["lead"]],
                "coordinators": [names[c] for c in t["coordinators"]],
                "timeline": {"text": t["timeline"]["text"], "start": WHOLE_2025[0], "end": WHOLE_2025[1]},
            }
            for t in reference["tasks"]
        ],
    }


def assert_contract_matches(contract: dict, expected: dict) -> None:
    """Equal in every fact; titles (read from a scan that lost its diacritics) equal once
    folded, give or take the letters OCR damaged beyond repair."""
    assert contract.keys() == {"document", "tasks"}
    assert contract["document"].keys() == {"number", "date", "title", "issuer"}
    for key in ("number", "date", "issuer"):
        assert contract["document"][key] == expected["document"][key]
    assert vntext.similarity(contract["document"]["title"], expected["document"]["title"]) >= 0.95
    assert len(contract["tasks"]) == len(expected["tasks"])
    for got, want in zip(contract["tasks"], expected["tasks"], strict=True):
        assert got.keys() == {"no", "title", "lead", "coordinators", "timeline"}
        assert {k: got[k] for k in ("no", "lead", "coordinators", "timeline")} == {
            k: want[k] for k in ("no", "lead", "coordinators", "timeline")
        }
        assert vntext.similarity(got["title"], want["title"]) >= 0.9, (got["title"], want["title"])


def test_the_seed_ocr_text_gives_the_reference_plans_document(seed_plan, reference):
    doc, want = seed_plan.document, reference["document"]
    assert doc.number == "14/KH-STTTT"
    assert doc.date == date(2025, 2, 18)
    assert doc.kind == "Kế hoạch"
    assert doc.issuer == want["issuer"] == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    assert doc.issuer_parent == want["issuer_parent"]
    assert doc.place == "Hải Phòng"
    assert doc.signer.title == "GIÁM ĐỐC"
    assert len(doc.recipients) == len(want["recipients"])
    assert len(doc.basis) == 1 and "20/KH-UBND ngày 05/02/2025" in doc.basis[0]
    assert seed_plan.missing == []


def test_the_seed_ocr_text_gives_its_eleven_tasks_with_units_and_timelines(seed_plan, reference):
    assert [t.no for t in seed_plan.tasks] == list(range(1, 12))
    for task, want in zip(seed_plan.tasks, reference["tasks"], strict=True):
        assert task.lead.code == want["lead"], task.no
        assert [c.code for c in task.coordinators] == want["coordinators"], task.no
        assert task.and_related_units is want["and_related_units"]
        assert task.timeline.kind == want["timeline"]["kind"]
        assert task.timeline.text == want["timeline"]["text"]
        assert (task.timeline.start, task.timeline.end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert seed_plan.tasks[0].timeline.continuous
    assert seed_plan.new_units == []


def test_the_seed_tasks_keep_their_content_items(seed_plan):
    by_no = {t.no: t for t in seed_plan.tasks}
    assert len(by_no[9].content) == 4
    assert len(by_no[5].content) == 3
    assert by_no[3].content == []
    assert by_no[10].content[0].startswith("(1)")


def test_the_seed_contract_equals_the_reference_plan(seed_plan, reference):
    assert_contract_matches(seed_plan.to_contract(), expected_contract(reference))
    json.dumps(seed_plan.to_contract())  # plain JSON types only


def test_diacritics_come_back_where_the_context_is_unambiguous(seed_plan):
    assert seed_plan.document.title.startswith("Kế hoạch Công tác thông tin đối ngoại")
    assert seed_plan.tasks[9].title == "Tăng cường công tác thanh tra, kiểm tra trong hoạt động thông tin đối ngoại trên địa bàn thành phố"
    # the clause that announces a list is not part of the title
    assert not seed_plan.tasks[0].title.endswith(":")
    assert "nhiệm vụ sau" not in seed_plan.tasks[0].title


# --- the command ---------------------------------------------------------------------------------
def test_command_dry_run_json_prints_the_contract_and_nothing_else(tmp_path, reference):
    # A fresh data directory: an empty database, so the shipped registry is used.
    env = {**os.environ, "DOINGOAI_DATA_DIR": str(tmp_path)}
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL"):
        env.pop(name, None)
    doingoai = str(Path(sys.executable).with_name("doingoai"))
    run = subprocess.run(
        [doingoai, "plans", "import", str(SEED_OCR), "--dry-run", "--json"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert run.returncode == 0, run.stderr
    assert_contract_matches(json.loads(run.stdout), expected_contract(reference))


@pytest.mark.django_db
def test_command_matches_against_the_database_registry(units, reference):
    out = StringIO()
    call_command(PlansCommand(), "import", str(SEED_OCR), "--dry-run", "--json", stdout=out, stderr=StringIO())
    assert_contract_matches(json.loads(out.getvalue()), expected_contract(reference))


@pytest.mark.django_db
def test_command_without_json_prints_a_summary_task_by_task(units):
    out = StringIO()
    call_command(PlansCommand(), "import", str(SEED_OCR), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Kế hoạch số 14/KH-STTTT ngày 18/02/2025" in text
    assert "11. " in text
    assert "Chủ trì: Thanh tra Sở" in text
    assert "Phối hợp: Phòng Thông tin – Báo chí – Xuất bản, Văn phòng Sở và các đơn vị liên quan" in text
    assert "Thời gian: Thường xuyên (01/01/2025 – 31/12/2025)" in text
    assert "chưa lưu gì" in text


@pytest.mark.django_db
def test_command_reports_an_unreadable_file_as_a_one_line_error(units, tmp_path):
    empty = tmp_path / "trong.txt"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="rỗng"):
        call_command(PlansCommand(), "import", str(empty), "--dry-run")


@pytest.mark.django_db
def test_command_saves_the_plan_and_refuses_a_second_copy_without_update(units):
    from doingoai.plans.models import Plan

    call_command(PlansCommand(), "import", str(SEED_OCR), stdout=StringIO())
    plan = Plan.objects.get(number="14/KH-STTTT", year=2025)
    assert plan.tasks.count() == 11
    assert plan.tasks.get(no=10).lead_unit.code == "TTS"
    with pytest.raises(CommandError, match="14/KH-STTTT"):
        call_command(PlansCommand(), "import", str(SEED_OCR), stdout=StringIO())
    call_command(PlansCommand(), "import", str(SEED_OCR), "--update", stdout=StringIO())
    assert Plan.objects.filter(number="14/KH-STTTT").count() == 1


# --- other plans, in the same administrative style ------------------------------------------------
DISTRICT_UNITS = [
    UnitRef("VHTT", "Phòng Văn hóa và Thông tin"),
    UnitRef("TTVH", "Trung tâm Văn hóa, Thông tin và Thể thao"),
    UnitRef("VP", "Văn phòng HĐND và UBND huyện", ("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện",)),
    UnitRef("NV", "Phòng Nội vụ"),
    UnitRef("CAH", "Công an huyện", internal=False),
    UnitRef("HD", "Huyện đoàn", internal=False),
]

CULTURE_UNITS = [
    UnitRef("QLVH", "Phòng Quản lý Văn hóa"),
    UnitRef("QLTT", "Phòng Quản lý Thể dục thể thao"),
    UnitRef("VPS", "Văn phòng Sở"),
    UnitRef("TTS", "Thanh tra Sở"),
    UnitRef("XTDL", "Trung tâm Thông tin và Xúc tiến du lịch"),
]


def units_of(task) -> tuple:
    """(lead, [coordinators]) as codes, a new unit as "+name"."""

    def code(match):
        return match.code if not match.is_new else f"+{match.name}"

    return code(task.lead), [code(c) for c in task.coordinators]


def timeline_of(task) -> tuple:
    return task.timeline.kind, task.timeline.start, task.timeline.end


def test_a_clean_district_plan_with_agency_labels():
    plan = importer.parse((FIXTURES / "ke-hoach-07-KH-UBND.txt").read_text(encoding="utf-8"), DISTRICT_UNITS)
    doc = plan.document
    assert (doc.number, doc.date, doc.place) == ("07/KH-UBND", date(2025, 3, 10), "Cát Hải")
    assert doc.issuer == "ỦY BAN NHÂN DÂN HUYỆN CÁT HẢI" and doc.issuer_parent == ""
    assert doc.title == "Kế hoạch Tuyên truyền, quảng bá du lịch và hình ảnh huyện Cát Hải năm 2025"
    assert (doc.signer.title, doc.signer.name) == ("CHỦ TỊCH", "Nguyễn Văn Hùng")
    assert len(doc.basis) == 2
    assert [t.no for t in plan.tasks] == [1, 2, 3, 4, 5, 6]
    assert [units_of(t) for t in plan.tasks] == [
        ("TTVH", ["VHTT"]),
        ("VHTT", ["CAH", "+Hội Liên hiệp Phụ nữ huyện", "HD"]),
        ("VHTT", ["VP"]),
        ("VP", []),
        ("TTVH", ["NV"]),
        ("VHTT", ["VP", "+Phòng Kinh tế"]),
    ]
    assert [t.and_related_units for t in plan.tasks] == [True, True, False, True, False, False]
    assert [timeline_of(t) for t in plan.tasks] == [
        ("quarter", date(2025, 4, 1), date(2025, 6, 30)),
        ("range", date(2025, 4, 1), date(2025, 5, 31)),
        ("before", None, date(2025, 6, 30)),
        ("monthly", date(2025, 1, 1), date(2025, 12, 31)),
        ("month", date(2025, 9, 1), date(2025, 9, 30)),
        ("quarter", date(2025, 7, 1), date(2025, 12, 31)),
    ]
    # a clean text is taken as written: no "restoration" touches it
    assert plan.tasks[0].title == (
        'Xây dựng chuyên mục "Cát Hải - Đảo ngọc" trên Cổng thông tin điện tử huyện và trang mạng xã hội của huyện'
    )
    assert plan.new_units == ["Hội Liên hiệp Phụ nữ huyện", "Phòng Kinh tế"]
    assert any("Hội Liên hiệp Phụ nữ huyện" in w for w in plan.warnings)


def test_the_contract_names_new_units_as_read():
    plan = importer.parse((FIXTURES / "ke-hoach-07-KH-UBND.txt").read_text(encoding="utf-8"), DISTRICT_UNITS)
    second = plan.to_contract()["tasks"][1]
    assert second["lead"] == "Phòng Văn hóa và Thông tin"
    assert second["coordinators"] == ["Công an huyện", "Hội Liên hiệp Phụ nữ huyện", "Huyện đoàn"]
    assert second["timeline"] == {"text": "Từ ngày 01/4/2025 đến ngày 31/5/2025", "start": "2025-04-01", "end": "2025-05-31"}
    assert plan.to_contract()["tasks"][2]["timeline"]["start"] is None


def test_an_ocr_damaged_plan_reads_like_the_clean_one():
    text = (FIXTURES / "ke-hoach-12-KH-SVHTT-ocr.txt").read_text(encoding="utf-8")
    assert "Pon vi chu tri" in text and "I11. NHIEM VU" in text and "S6: 12 /KH-SVHTT" in text
    plan = importer.parse(text, CULTURE_UNITS)
    doc = plan.document
    assert (doc.number, doc.date) == ("12/KH-SVHTT", date(2025, 1, 20))
    assert doc.issuer == "SỞ VĂN HÓA VÀ THỂ THAO"
    assert doc.title.startswith("Kế hoạch Quảng bá văn hóa, thể thao và du lịch")
    assert [units_of(t) for t in plan.tasks] == [
        ("XTDL", ["QLVH"]),
        ("QLVH", ["VPS", "+Bao tang tinh"]),
        ("QLTT", ["XTDL", "VPS"]),
        ("TTS", ["QLVH"]),
        ("VPS", []),
    ]
    assert [t.and_related_units for t in plan.tasks] == [True, True, False, False, True]
    assert [timeline_of(t) for t in plan.tasks] == [
        ("continuous", date(2025, 1, 1), date(2025, 12, 31)),
        ("quarter", date(2025, 4, 1), date(2025, 6, 30)),
        ("half", date(2025, 7, 1), date(2025, 12, 31)),
        ("quarterly", date(2025, 1, 1), date(2025, 12, 31)),
        ("before", None, date(2025, 6, 30)),
    ]
    assert [t.timeline.text for t in plan.tasks] == [
        "Thường xuyên", "Quý 2 năm 2025", "6 tháng cuối năm 2025", "Định kỳ hằng quý", "Trước 30/6",
    ]


def test_a_docx_plan_with_its_tasks_in_a_table(tmp_path):
    path = documents.build_docx(tmp_path)
    extracted = importer.extract_text(path)
    assert (extracted.kind, extracted.ocr) == ("docx", False)
    # paragraphs and table cells come out in document order
    assert extracted.text.index("Số: 21/KH-STTTT") < extracted.text.index("KẾ HOẠCH") < extracted.text.index("STT |")
    plan = importer.parse(extracted.text, documents.DEPARTMENT_UNITS)
    doc = plan.document
    assert (doc.number, doc.date) == ("21/KH-STTTT", date(2025, 4, 5))
    assert (doc.issuer, doc.issuer_parent) == ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "UBND THÀNH PHỐ HẢI PHÒNG")
    assert (doc.signer.title, doc.signer.name) == ("PHÓ GIÁM ĐỐC", "Nguyễn Quang Huy")
    assert [units_of(t) for t in plan.tasks] == [
        ("TTBCXB", ["TTTT", "VPS"]),  # "Phòng TTBCXB", "Trung tâm TT-TT": abbreviations
        ("TTBCXB", []),
        ("TTS", ["TTBCXB", "+Báo Hải Phòng"]),
        ("VPS", []),
    ]
    assert [t.and_related_units for t in plan.tasks] == [False, True, True, False]
    assert [timeline_of(t) for t in plan.tasks] == [
        ("before", None, date(2025, 5, 10)),
        ("month", date(2025, 5, 1), date(2025, 5, 31)),
        ("range", date(2025, 5, 1), date(2025, 5, 31)),
        ("half", date(2025, 1, 1), date(2025, 6, 30)),
    ]
    assert plan.tasks[1].content == ["Ấn phẩm song ngữ Việt – Anh, 2.000 bản."]


def test_a_text_pdf_plan(tmp_path):
    path = documents.build_pdf(tmp_path)
    extracted = importer.extract_text(path)
    assert (extracted.kind, extracted.ocr) == ("pdf", False)
    assert extracted.pages >= 1
    plan = importer.parse(extracted.text, documents.FOREIGN_AFFAIRS_UNITS)
    doc = plan.document
    assert (doc.number, doc.date, doc.issuer, doc.place) == ("09/KH-SNgV", date(2025, 2, 14), "SỞ NGOẠI VỤ", "Khánh Hòa")
    assert [units_of(t) for t in plan.tasks] == [
        ("VP", ["HTQT"]),
        ("LS", ["+Sở Văn hóa và Thể thao", "VP"]),
        ("HTQT", ["LS"]),
        ("VP", ["TT"]),
    ]
    assert [t.timeline.kind for t in plan.tasks] == ["monthly", "quarter", "month", "year"]
    assert plan.tasks[1].and_related_units


def test_a_scanned_page_is_read_with_ocr(tmp_path):
    path = documents.build_scan(tmp_path)
    extracted = importer.extract_text(path)
    assert (extracted.kind, extracted.ocr, extracted.pages) == ("image", True, 1)
    plan = importer.parse(extracted.text, documents.DEPARTMENT_UNITS)
    assert (plan.document.number, plan.document.date) == ("03/KH-STTTT", date(2025, 6, 2))
    assert [units_of(t) for t in plan.tasks] == [("TTTT", ["TTS"]), ("TTBCXB", ["VPS"]), ("VPS", [])]
    assert [timeline_of(t) for t in plan.tasks] == [
        ("quarter", date(2025, 7, 1), date(2025, 9, 30)),
        ("before", None, date(2025, 8, 31)),
        ("continuous", date(2025, 1, 1), date(2025, 12, 31)),
    ]


def test_a_scanned_pdf_page_without_text_layer_is_read_with_ocr(tmp_path):
    from PIL import Image

    scan = documents.build_scan(tmp_path)
    pdf = tmp_path / "ban-quet.pdf"
    Image.open(scan).convert("RGB").save(pdf, resolution=150)
    extracted = importer.extract_text(pdf)
    assert (extracted.kind, extracted.ocr, extracted.pages) == ("pdf", True, 1)
    assert "03/KH-STTTT" in extracted.text


# --- refusals and errors -------------------------------------------------------------------------
def test_a_document_stamped_secret_is_refused():
    text = (FIXTURES / "ke-hoach-07-KH-UBND.txt").read_text(encoding="utf-8")
    stamped = text.replace("\nKẾ HOẠCH\n", "\nMẬT\n\nKẾ HOẠCH\n", 1)  # the stamp under the number
    with pytest.raises(PlanImportError) as refused:
        importer.parse(stamped, DISTRICT_UNITS)
    assert "dấu độ mật “MẬT”" in refused.value.message
    assert "không được lưu giữ bí mật nhà nước" in refused.value.message


def test_a_secret_file_is_refused_whatever_its_format(tmp_path):
    path = tmp_path / "mat.txt"
    path.write_text("TỐI MẬT\nKẾ HOẠCH\n1. Nhiệm vụ\n- Chủ trì: Văn phòng Sở.\n", encoding="utf-8")
    with pytest.raises(PlanImportError, match="TỐI MẬT"):
        importer.import_file(path, DISTRICT_UNITS)


def test_a_text_that_is_not_a_plan_says_what_is_missing():
    notice = "THÔNG BÁO\nLịch họp giao ban tuần của cơ quan\nThời gian: 8 giờ sáng thứ Hai.\nĐịa điểm: phòng họp tầng 2."
    with pytest.raises(PlanImportError) as error:
        importer.parse(notice, DISTRICT_UNITS)
    message = error.value.message
    assert message.startswith("Không nhận ra kế hoạch:")
    assert "không thấy số ký hiệu" in message
    assert "không thấy nhiệm vụ nào có đơn vị chủ trì" in message


def test_a_plan_header_without_tasks_says_what_was_found():
    text = "SỞ NỘI VỤ\nSố: 03/KH-SNV          Hà Nội, ngày 02 tháng 01 năm 2025\nKẾ HOẠCH\nCải cách hành chính\n"
    with pytest.raises(PlanImportError) as error:
        importer.parse(text, DISTRICT_UNITS)
    assert "Đã thấy: loại văn bản “Kế hoạch”, số 03/KH-SNV, ngày 02/01/2025" in error.value.message


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "trong.txt", "rỗng"),
        (b"   \n\n  ", "khoang-trang.txt", "không có nội dung"),
        (b"%PDF-1.7\n1 0 obj <<>> endobj\nrac", "hong.pdf", "PDF hong.pdf bị hỏng"),
        (b"PK\x03\x04\x14\x00\x00\x00rac", "hong.docx", "bị hỏng"),
        (bytes(range(256)) * 8, "la.bin", "Không nhận ra loại tệp"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "cu.doc", "Word/Excel cũ"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "khoa.docx", "mã hóa"),
    ],
)
def test_unreadable_files_raise_a_clear_vietnamese_error(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(PlanImportError, match=message):
        importer.extract_text(path)


def test_a_damaged_docx_part_is_a_clear_error(tmp_path):
    import zipfile

    path = tmp_path / "hong-noi-dung.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("word/document.xml", "<w:document")
    with pytest.raises(PlanImportError, match="Word hong-noi-dung.docx bị hỏng"):
        importer.extract_text(path)


def test_a_file_over_50_mb_is_refused_before_reading(tmp_path):
    path = tmp_path / "lon.pdf"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)
    with pytest.raises(PlanImportError, match="quá lớn"):
        importer.extract_text(path)


def test_a_blank_scan_is_not_readable(tmp_path):
    from PIL import Image

    path = tmp_path / "trang-trang.png"
    Image.new("L", (1200, 1600), 255).save(path)
    with pytest.raises(PlanImportError, match="Không đọc được chữ trong bản quét"):
        importer.extract_text(path)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(PlanImportError, match="Không tìm thấy tệp"):
        importer.extract_text(tmp_path / "khong-co.txt")


# --- text encodings and types read from the content -------------------------------------------------
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """Text as Windows Vietnamese stores it: a base letter (with its circumflex, breve or horn)
    followed by a combining tone mark."""
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out.append(base + "".join(c for c in decomposed if c in TONE_MARKS))
    return "".join(out).encode("cp1258")


PLAIN = "KẾ HOẠCH\nĐơn vị chủ trì: Phòng Văn hóa và Thông tin.\nThời gian thực hiện: Quý II/2025.\n"


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: t.encode("utf-8-sig"),
        lambda t: t.encode("utf-16"),
        lambda t: t.encode("utf-16-be").join([b"\xfe\xff", b""]),
        lambda t: windows_1258(t),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "windows-1258"],
)
def test_text_files_in_any_common_encoding_come_out_the_same(tmp_path, encode):
    path = tmp_path / "ke-hoach.txt"
    path.write_bytes(encode(PLAIN))
    extracted = importer.extract_text(path)
    assert (extracted.kind, extracted.ocr, extracted.pages) == ("txt", False, 1)
    assert extracted.text == PLAIN.strip()


def test_windows_1252_text_falls_back_to_latin_letters(tmp_path):
    path = tmp_path / "ghi-chu.txt"
    path.write_bytes("Café – “plan”\n".encode("cp1252"))
    assert importer.extract_text(path).text in {"Café – “plan”", "Café – “plan”".replace("é", "é")}


def test_the_type_comes_from_the_content_not_the_name(tmp_path):
    docx_path = documents.build_docx(tmp_path)
    renamed = tmp_path / "ke-hoach.pdf"
    renamed.write_bytes(docx_path.read_bytes())
    assert importer.extract_text(renamed).kind == "docx"
    text_named_pdf = tmp_path / "van-ban.pdf"
    text_named_pdf.write_text(PLAIN, encoding="utf-8")
    assert importer.extract_text(text_named_pdf).kind == "txt"


# --- unit names as plans write them -------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "codes", "related"),
    [
        ("Phong Théong tin — B&o chi — Xuat ban.", ["TTBCXB"], False),  # a scan
        ("Phòng TTBCXB", ["TTBCXB"], False),  # an abbreviation
        ("Trung tâm TT-TT", ["TTTT"], False),
        ("Trung tâm Thông tin – Truyền thông", ["TTTT"], False),  # an alias, with a dash for "và"
        ("Vin phong S&, Trung tim Thong tin va Truyén thong va\ncac don vi lién quan.", ["VPS", "TTTT"], True),
        ("Trung tdm Thong tin — Truyén thong va céc don vi lién quan.", ["TTTT"], True),
        ("Các cơ quan, đơn vị liên quan", [], True),
        ("Các phòng, đơn vị thuộc Sở", [], True),
        ("UBND thành phố", ["UBND-TP"], False),
        ("Ban Tuyên giáo Huyện ủy", ["+Ban Tuyên giáo Huyện ủy"], False),  # not the city's committee
        ("Văn phòng Sở Y tế", ["+Văn phòng Sở Y tế"], False),
        ("Phòng Văn hóa và Thông tin, Sở Y tế", ["+Phòng Văn hóa và Thông tin", "+Sở Y tế"], False),
        ("Văn phòng HĐND và UBND huyện, Thanh tra Sở", ["+Văn phòng HĐND và UBND huyện", "TTS"], False),
    ],
)
def test_unit_lists_are_cut_into_units_and_matched(written, codes, related, seed_units):
    from doingoai.plans.importer.units import UnitRegistry

    found = UnitRegistry(seed_units).read_list(written)
    assert [m.code or f"+{m.name}" for m in found.units] == codes
    assert found.and_related_units is related


def test_restoring_diacritics_never_touches_a_text_that_has_them():
    from doingoai.plans.importer.restore import Restorer

    clean = (FIXTURES / "ke-hoach-07-KH-UBND.txt").read_text(encoding="utf-8")
    restorer = Restorer.for_text(clean, DISTRICT_UNITS)
    assert not restorer.active
    assert restorer.restore("Truyen thong") == "Truyen thong"


def test_restoring_diacritics_keeps_symbols_numbers_and_known_words(seed_units):
    from doingoai.plans.importer.restore import Restorer

    restorer = Restorer.for_text(SEED_OCR.read_text(encoding="utf-8"), seed_units)
    assert restorer.active
    assert restorer.restore("Ket luan so 57-KL/TW ngay 15/6/2023") == "Kết luận số 57-KL/TW ngày 15/6/2023"
    assert restorer.restore("thông tin đối ngoại") == "thông tin đối ngoại"
    assert restorer.restore("UBND THANH PHO HAI PHONG") == "UBND THÀNH PHỐ HẢI PHÒNG"
    assert restorer.restore("xyz qwv") == "xyz qwv"
