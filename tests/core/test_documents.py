"""Official documents in the layout of Decree 30/2020/NĐ-CP (Phụ lục I), as DOCX and PDF.

The DOCX is read back with python-docx and checked rule by rule; the PDF is read with
poppler-utils (pdftotext, pdfinfo, pdftoppm) and its first page is OCR-ed with Tesseract to
prove that the Vietnamese glyphs are drawn, not only encoded."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length

from doingoai.core.documents import (
    MOTTO,
    NATION,
    Bullets,
    Heading,
    OfficialDocument,
    Paragraph,
    Signature,
    Table,
    date_line,
    number_line,
    recipient_lines,
    render_docx,
    render_html,
    render_pdf,
    signature_lines,
    text_width_mm,
)
from doingoai.core.vntext import fold

TITLE = "Kết quả thực hiện công tác thông tin đối ngoại 6 tháng đầu năm 2025"


def report(**changes) -> OfficialDocument:
    """A six-month report of the department on its external-information work."""
    fields = dict(
        parent_body="UBND thành phố Hải Phòng",
        issuer="Sở Thông tin và Truyền thông",
        number="05/BC-STTTT",
        place="Hải Phòng",
        date=date(2025, 7, 5),
        kind="Báo cáo",
        title=TITLE,
        body=[
            Paragraph(
                "Thực hiện Kế hoạch số 14/KH-STTTT ngày 20/02/2025 của Sở Thông tin và Truyền "
                "thông về công tác thông tin đối ngoại năm 2025, Sở Thông tin và Truyền thông "
                "báo cáo kết quả thực hiện 6 tháng đầu năm 2025 như sau:"
            ),
            Heading("I. KẾT QUẢ THỰC HIỆN"),
            Heading("1. Công tác tuyên truyền, quảng bá hình ảnh thành phố", level=2),
            Paragraph(
                "Sở đã phối hợp với các cơ quan báo chí trung ương và địa phương đăng tải tin, "
                "bài giới thiệu tiềm năng, thế mạnh, cơ hội đầu tư của thành phố; duy trì "
                "chuyên mục thông tin đối ngoại trên Cổng Thông tin điện tử thành phố."
            ),
            Bullets([
                "Tổ chức 02 cuộc họp báo định kỳ cung cấp thông tin cho báo chí",
                "Biên soạn 124 số điểm báo phục vụ lãnh đạo thành phố",
                "Xuất bản 06 ấn phẩm thông tin đối ngoại bằng tiếng Anh, tiếng Trung",
            ]),
            Heading("2. Công tác quản lý nhà nước về thông tin đối ngoại", level=2),
            Table(
                ["STT", "Nội dung", "Số lượng"],
                [
                    ["1", "Tin, bài về thông tin đối ngoại trên Cổng Thông tin điện tử", "356"],
                    ["2", "Phóng sự, video giới thiệu thành phố trên mạng xã hội", "48"],
                    ["3", "Đoàn phóng viên nước ngoài được hướng dẫn tác nghiệp", "07"],
                ],
            ),
            Heading("II. NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2025"),
            Paragraph("Tiếp tục triển khai các nhiệm vụ theo Kế hoạch số 14/KH-STTTT.", italic=True),
        ],
        recipients=["UBND thành phố (để b/c)", "Ban Tuyên giáo Thành ủy"],
        signature=Signature("Giám đốc", "Phó Giám đốc", "Nguyễn Văn An", "KT."),
        archive_note="TTBCXB",
    )
    fields.update(changes)
    return OfficialDocument(**fields)


# --- reading a DOCX back ---------------------------------------------------------------------


def read_docx(doc: OfficialDocument):
    return Document(io.BytesIO(render_docx(doc)))


def paragraphs_of(container):
    """Every paragraph of a body, cell or header, tables included, in reading order."""
    for child in container._element.iterchildren():
        if child.tag == qn("w:p"):
            yield next(p for p in container.paragraphs if p._p is child)
        elif child.tag == qn("w:tbl"):
            table = next(t for t in container.tables if t._tbl is child)
            for row in table.rows:
                for cell in row.cells:
                    yield from paragraphs_of(cell)


def all_runs(document):
    containers = [document._body]
    for section in document.sections:
        containers += [section.header, section.first_page_header, section.footer]
    for container in containers:
        for paragraph in paragraphs_of(container):
            yield from paragraph.runs


def texts(paragraphs) -> list[str]:
    return [p.text for p in paragraphs if p.text.strip()]


def find(paragraphs, text: str):
    return next(p for p in paragraphs if p.text == text)


def mm(length: Length | None) -> float:
    return (length or 0) / 36000


def pt(length: Length | None) -> float:
    return (length or 0) / 12700


def header_cells(document):
    (left, right), (number, when) = (row.cells for row in document.tables[0].rows)
    return list(paragraphs_of(left)), list(paragraphs_of(right)), number, when


def closing_cells(document):
    left, right = document.tables[-1].rows[0].cells
    return list(paragraphs_of(left)), list(paragraphs_of(right))


def is_rule(paragraph) -> bool:
    """An empty paragraph whose bottom border is the drawn line."""
    bottom = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}")
    return not paragraph.text and bottom is not None and bottom.get(qn("w:val")) == "single"


def rule_length_mm(paragraph, span_mm: float) -> float:
    fmt = paragraph.paragraph_format
    return span_mm - mm(fmt.left_indent) - mm(fmt.right_indent)


def cell_width_mm(cell) -> float:
    return mm(cell.width)


def one_style(paragraph) -> tuple[float, bool, bool]:
    """(size in pt, bold, italic) shared by every run of the paragraph."""
    styles = {(pt(r.font.size), bool(r.font.bold), bool(r.font.italic)) for r in paragraph.runs}
    assert len(styles) == 1, f"{paragraph.text!r} mixes {styles}"
    return styles.pop()


@pytest.fixture(scope="module")
def docx_report():
    return read_docx(report())


# --- the page ----------------------------------------------------------------------------


def test_the_page_is_a4_portrait_with_the_margins_of_the_decree(docx_report):
    section = docx_report.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert mm(section.page_width) == pytest.approx(210, abs=0.5)
    assert mm(section.page_height) == pytest.approx(297, abs=0.5)
    assert 20 <= round(mm(section.top_margin), 1) <= 25
    assert 20 <= round(mm(section.bottom_margin), 1) <= 25
    assert 30 <= round(mm(section.left_margin), 1) <= 35
    assert 15 <= round(mm(section.right_margin), 1) <= 20


def test_every_run_is_set_in_times_new_roman_for_every_script(docx_report):
    runs = list(all_runs(docx_report))
    assert len(runs) > 30
    for run in runs:
        fonts = run._r.rPr.find(qn("w:rFonts"))
        assert fonts is not None, run.text
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            assert fonts.get(qn(attr)) == "Times New Roman", (run.text, attr)
        assert fonts.get(qn("w:asciiTheme")) is None  # a theme font would win over it
    defaults = docx_report.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == "Times New Roman" and fonts.get(qn("w:asciiTheme")) is None
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"


def test_pages_after_the_first_are_numbered_at_the_top_centre(docx_report):
    section = docx_report.sections[0]
    assert section.different_first_page_header_footer
    number = section.header.paragraphs[0]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" in "".join(t.text for t in number._p.iter(qn("w:instrText")))
    assert not section.first_page_header.paragraphs[0].text


# --- the header ----------------------------------------------------------------------------


def test_the_header_is_a_borderless_two_column_table(docx_report):
    table = docx_report.tables[0]
    assert len(table.columns) == 2 and len(table.rows) == 2
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    left, right = table.rows[0].cells
    assert cell_width_mm(left) + cell_width_mm(right) == pytest.approx(165, abs=0.5)


def test_left_column_names_the_parent_body_and_the_issuer_underlined_by_a_short_rule(docx_report):
    left, _right, _number, _when = header_cells(docx_report)
    parent, issuer, rule = left
    assert parent.text == "UBND THÀNH PHỐ HẢI PHÒNG"
    assert issuer.text == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    for paragraph in (parent, issuer, rule):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    size, bold, italic = one_style(parent)
    assert 12 <= size <= 13 and not bold and not italic
    size, bold, italic = one_style(issuer)
    assert 12 <= size <= 13 and bold and not italic
    assert is_rule(rule)
    column = cell_width_mm(docx_report.tables[0].rows[0].cells[0])
    length = rule_length_mm(rule, column)
    line = text_width_mm(issuer.text, size, bold=True)
    assert line / 3 <= length <= line / 2, (length, line)
    assert mm(rule.paragraph_format.left_indent) == pytest.approx(mm(rule.paragraph_format.right_indent))


def test_right_column_has_the_national_title_and_the_motto_underlined_by_a_rule_as_long_as_it(docx_report):
    _left, right, _number, _when = header_cells(docx_report)
    nation, motto, rule = right
    assert nation.text == NATION == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert motto.text == MOTTO == "Độc lập - Tự do - Hạnh phúc"
    size, bold, _ = one_style(nation)
    assert 12 <= size <= 13 and bold
    size, bold, _ = one_style(motto)
    assert 13 <= size <= 14 and bold
    assert is_rule(rule) and rule.alignment == WD_ALIGN_PARAGRAPH.CENTER
    column = cell_width_mm(docx_report.tables[0].rows[0].cells[1])
    line = text_width_mm(MOTTO, size, bold=True)
    assert rule_length_mm(rule, column) == pytest.approx(line, rel=0.02)
    # Each stays on one line of its column.
    assert text_width_mm(NATION, one_style(nation)[0], bold=True) <= column


def test_the_second_header_row_has_the_number_and_the_italic_place_and_date(docx_report):
    _left, _right, number, when = header_cells(docx_report)
    (number_paragraph,) = number.paragraphs
    assert number_paragraph.text == "Số: 05/BC-STTTT"
    assert number_paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    size, bold, italic = one_style(number_paragraph)
    assert size == 13 and not bold and not italic
    (date_paragraph,) = when.paragraphs
    assert date_paragraph.text == "Hải Phòng, ngày 05 tháng 7 năm 2025"
    size, bold, italic = one_style(date_paragraph)
    assert 13 <= size <= 14 and italic and not bold


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 7, 5), "Hải Phòng, ngày 05 tháng 7 năm 2025"),
        (date(2025, 2, 18), "Hải Phòng, ngày 18 tháng 02 năm 2025"),
        (date(2025, 12, 5), "Hải Phòng, ngày 05 tháng 12 năm 2025"),
        (date(2026, 1, 1), "Hải Phòng, ngày 01 tháng 01 năm 2026"),
        (date(2025, 3, 9), "Hải Phòng, ngày 09 tháng 3 năm 2025"),
        (date(2025, 10, 31), "Hải Phòng, ngày 31 tháng 10 năm 2025"),
        (date(2025, 11, 10), "Hải Phòng, ngày 10 tháng 11 năm 2025"),
    ],
)
def test_days_below_ten_and_the_months_january_and_february_take_a_leading_zero(day, expected):
    assert date_line("Hải Phòng", day) == expected
    _left, _right, _number, when = header_cells(read_docx(report(date=day)))
    assert when.paragraphs[0].text == expected
    assert one_style(when.paragraphs[0])[2]  # italic


@pytest.mark.parametrize(
    ("number", "kind", "expected"),
    [
        ("05/BC-STTTT", "Báo cáo", "Số: 05/BC-STTTT"),
        ("5/BC-STTTT", "Báo cáo", "Số: 05/BC-STTTT"),
        ("124/KH-STTTT", "Kế hoạch", "Số: 124/KH-STTTT"),
        ("/BC-STTTT", "Báo cáo", "Số:        /BC-STTTT"),
        ("  /KL-STTTT", "Kết luận", "Số:        /KL-STTTT"),
        ("", "Kế hoạch", "Số:        /KH"),
        ("", "Loại không có ký hiệu", "Số:        "),
    ],
)
def test_the_number_line_pads_small_numbers_and_leaves_room_in_drafts(number, kind, expected):
    assert number_line(number, kind) == expected


def test_a_draft_shows_the_number_placeholder():
    _left, _right, number, _when = header_cells(read_docx(report(number="/BC-STTTT")))
    assert number.paragraphs[0].text == "Số:        /BC-STTTT"


# --- kind, title, body -----------------------------------------------------------------------


def test_kind_and_title_are_bold_14pt_centred_with_a_short_rule_under_them(docx_report):
    body = docx_report.paragraphs
    kind = find(body, "BÁO CÁO")
    title = find(body, TITLE)
    for paragraph in (kind, title):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert one_style(paragraph) == (14, True, False)
    after = body[body.index(title) + 1]
    assert is_rule(after)
    length = rule_length_mm(after, 165)
    line = text_width_mm(TITLE, 14, bold=True)
    assert line / 3 <= length <= line / 2, (length, line)


def test_the_kind_is_written_in_capitals_whatever_its_input():
    body = read_docx(report(kind="Kế hoạch")).paragraphs
    assert find(body, "KẾ HOẠCH")


def body_paragraphs(document):
    body = document.paragraphs
    start = body.index(find(body, TITLE)) + 2
    return [p for p in body[start:] if p.text.strip()]


def test_the_body_is_14pt_justified_with_a_first_line_indent_and_6pt_before(docx_report):
    paragraphs = body_paragraphs(docx_report)
    assert len(paragraphs) == 10
    for paragraph in paragraphs:
        fmt = paragraph.paragraph_format
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY, paragraph.text
        assert 10 <= mm(fmt.first_line_indent) <= 12.7 + 0.05
        assert pt(fmt.space_before) >= 6
        assert isinstance(fmt.line_spacing, float) and 1.0 <= fmt.line_spacing <= 1.5
        size, _bold, _italic = one_style(paragraph)
        assert 13 <= size <= 14


def test_headings_are_bold_and_lists_are_dash_paragraphs(docx_report):
    paragraphs = {p.text: p for p in body_paragraphs(docx_report)}
    for heading in ("I. KẾT QUẢ THỰC HIỆN", "1. Công tác tuyên truyền, quảng bá hình ảnh thành phố",
                    "II. NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2025"):
        assert one_style(paragraphs[heading])[1]
        assert paragraphs[heading].paragraph_format.keep_with_next
    assert "- Tổ chức 02 cuộc họp báo định kỳ cung cấp thông tin cho báo chí" in paragraphs
    assert "- Biên soạn 124 số điểm báo phục vụ lãnh đạo thành phố" in paragraphs
    assert not one_style(paragraphs["- Biên soạn 124 số điểm báo phục vụ lãnh đạo thành phố"])[1]
    assert one_style(paragraphs["Tiếp tục triển khai các nhiệm vụ theo Kế hoạch số 14/KH-STTTT."])[2]


def test_a_table_of_the_body_has_a_bold_repeated_header_and_13pt_cells(docx_report):
    table = docx_report.tables[1]
    assert [c.text for c in table.rows[0].cells] == ["STT", "Nội dung", "Số lượng"]
    assert [c.text for c in table.rows[3].cells] == [
        "3", "Đoàn phóng viên nước ngoài được hướng dẫn tác nghiệp", "07"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert sum(cell_width_mm(c) for c in table.rows[0].cells) == pytest.approx(165, abs=1)
    for cell in table.rows[0].cells:
        assert one_style(cell.paragraphs[0])[:2] == (13, True)
    for row in table.rows[1:]:
        for cell in row.cells:
            assert one_style(cell.paragraphs[0]) == (13, False, False)


def test_tables_rows_must_match_their_header():
    with pytest.raises(ValueError, match="cells"):
        Table(["STT", "Nội dung"], [["1"]])


# --- recipients and signature ------------------------------------------------------------------


def test_recipients_are_listed_in_11pt_under_a_bold_italic_12pt_label(docx_report):
    left, _right = closing_cells(docx_report)
    table = docx_report.tables[-1]
    assert {b.get(qn("w:val")) for b in table._tbl.tblPr.find(qn("w:tblBorders"))} == {"nil"}
    label, *lines = left
    assert label.text == "Nơi nhận:"
    assert one_style(label) == (12, True, True)
    assert [p.text for p in lines] == [
        "- UBND thành phố (để b/c);",
        "- Ban Tuyên giáo Thành ủy;",
        "- Lưu: VT, TTBCXB.",
    ]
    for paragraph in lines:
        assert one_style(paragraph) == (11, False, False)
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.LEFT


@pytest.mark.parametrize(
    ("archive_note", "last"),
    [("VT", "- Lưu: VT."), ("", "- Lưu: VT."), ("TTBCXB", "- Lưu: VT, TTBCXB."),
     ("VT, TTBCXB", "- Lưu: VT, TTBCXB."), ("VT, TTBCXB (02b).", "- Lưu: VT, TTBCXB (02b).")],
)
def test_the_list_ends_with_the_copy_kept_by_the_records_office(archive_note, last):
    lines = recipient_lines(["Như trên;", "- Giám đốc Sở"], archive_note)
    assert lines == ["- Như trên;", "- Giám đốc Sở;", last]


SIGNATURES = [
    (Signature("Giám đốc", "Phó Giám đốc", "Nguyễn Văn An", "KT."),
     ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "Nguyễn Văn An"),
    (Signature("Ủy ban nhân dân", "Chủ tịch", "Trần Thị Bình", "TM."),
     ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], "Trần Thị Bình"),
    (Signature("Giám đốc", "Giám đốc", "Lê Văn Cường"), ["GIÁM ĐỐC"], "Lê Văn Cường"),
    (Signature("Giám đốc", "Chánh Văn phòng", "Phạm Thu Dung", "TL."),
     ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"], "Phạm Thu Dung"),
    (Signature("Giám đốc", "Giám đốc", "Hoàng Minh Đức", "Q."), ["Q. GIÁM ĐỐC"], "Hoàng Minh Đức"),
]


@pytest.mark.parametrize(("signature", "lines", "name"), SIGNATURES)
def test_the_signature_block_states_the_authority_the_title_and_the_name(signature, lines, name):
    assert signature_lines(signature) == (lines, name)
    _left, right = closing_cells(read_docx(report(signature=signature)))
    assert texts(right) == [*lines, name]
    for paragraph in right:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    for paragraph in right[: len(lines)]:
        size, bold, italic = one_style(paragraph)
        assert 13 <= size <= 14 and bold and not italic
        assert paragraph.text == paragraph.text.upper()
    signer = right[-1]
    size, bold, _ = one_style(signer)
    assert signer.text == name and 13 <= size <= 14 and bold
    room = right[len(lines):-1]
    assert len(room) >= 3 and not any(p.text for p in room)  # space to sign and seal


def test_an_unknown_signing_mode_is_refused_and_a_known_one_is_tidied():
    with pytest.raises(ValueError, match="signing mode"):
        Signature("Giám đốc", "Phó Giám đốc", "Nguyễn Văn An", "K.T")
    assert Signature("Giám đốc", "Phó Giám đốc", "Nguyễn Văn An", " kt").mode == "KT."
    assert Signature("Giám đốc", "Giám đốc", "Nguyễn Văn An", "TUQ.").mode == "TUQ."


def test_text_is_stored_in_nfc_whatever_the_keyboard():
    decomposed = unicodedata.normalize("NFD", TITLE)
    document = read_docx(report(title=decomposed))
    assert find(document.paragraphs, TITLE)


# --- HTML and PDF ----------------------------------------------------------------------------


def test_the_html_escapes_every_text():
    html = render_html(report(title='Phản bác <script>alert("x")</script> & "tin giả"',
                              recipients=["<b>Báo Hải Phòng</b>"]))
    assert "<script>" not in html and "<b>Báo" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html and "&lt;b&gt;Báo Hải Phòng&lt;/b&gt;;" in html


def test_the_html_declares_the_page_and_the_fonts_of_the_decree():
    html = render_html(report())
    assert '<html lang="vi">' in html
    assert re.search(r"size: A4 portrait;\s*margin: 20\.0mm 15\.0mm 20\.0mm 30\.0mm;", html)
    assert 'font-family: "Times New Roman", "Liberation Serif", "Noto Serif", serif' in html


def need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: install the Debian package {package} (`make test` does)")
    return path


def run(*args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(args, input=data, capture_output=True, check=True, timeout=120).stdout


@pytest.fixture(scope="module")
def pdf_report(tmp_path_factory) -> tuple[bytes, str]:
    pdf = render_pdf(report())
    path = tmp_path_factory.mktemp("pdf") / "bao-cao.pdf"
    path.write_bytes(pdf)
    return pdf, str(path)


def test_the_pdf_carries_the_texts_of_the_layout(pdf_report):
    pdf, path = pdf_report
    assert pdf.startswith(b"%PDF")
    text = unicodedata.normalize("NFC", run(need("pdftotext", "poppler-utils"), path, "-").decode())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "UBND THÀNH PHỐ HẢI PHÒNG", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
                     "Số: 05/BC-STTTT", "Hải Phòng, ngày 05 tháng 7 năm 2025", "BÁO CÁO", TITLE,
                     "Nơi nhận:", "- Lưu: VT, TTBCXB.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC",
                     "Nguyễn Văn An", "- Biên soạn 124 số điểm báo"):
        assert expected in text, expected


def test_the_pdf_page_is_a4(pdf_report):
    _pdf, path = pdf_report
    info = run(need("pdfinfo", "poppler-utils"), path).decode()
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert width == pytest.approx(595.28, abs=1) and height == pytest.approx(841.89, abs=1)
    fonts = run(need("pdffonts", "poppler-utils"), path).decode()
    assert "Liberation-Serif" in fonts or "TimesNewRoman" in fonts.replace(" ", "")


def test_the_vietnamese_glyphs_are_drawn_as_ocr_reads_them_back(pdf_report):
    """Tesseract (with `vie`) reads page 1: the title is there, marks and all."""
    _pdf, path = pdf_report
    tesseract = need("tesseract", "tesseract-ocr-vie")
    if "vie" not in run(tesseract, "--list-langs").decode().split():
        pytest.fail("Tesseract has no Vietnamese model: install tesseract-ocr-vie (`make test` does)")
    png = run(need("pdftoppm", "poppler-utils"), "-r", "100", "-png", "-f", "1", "-l", "1",
              "-singlefile", path)
    text = unicodedata.normalize("NFC", run(tesseract, "-", "-", "-l", "vie", data=png).decode())
    folded = " ".join(fold(text).split())
    assert fold("thông tin đối ngoại") in folded, text
    assert fold("cong hoa xa hoi chu nghia viet nam") in folded, text
    # The stacked marks of Vietnamese come out as such, not as boxes or bare letters.
    marked = {w for w in text.split() if any("\u1ea0" <= c <= "\u1ef9" for c in w)}
    assert {"NGHĨA", "VIỆT", "ngoại"} & marked, text
