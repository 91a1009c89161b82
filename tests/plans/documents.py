"""Plan documents built by the tests themselves: a DOCX with its tasks in a table, a text PDF
and a scanned page (a PNG rendered with Noto Sans), in the administrative style of Decree 30.

Each builder writes the file into a directory and returns its path; the registries the
documents are matched against sit beside them."""

from __future__ import annotations

from pathlib import Path

from doingoai.plans.importer import UnitRef

FONT = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"

# The department's registry (the seed plan's units).
DEPARTMENT_UNITS = [
    UnitRef("TTBCXB", "Phòng Thông tin – Báo chí – Xuất bản"),
    UnitRef("TTTT", "Trung tâm Thông tin và Truyền thông", ("Trung tâm Thông tin – Truyền thông",)),
    UnitRef("TTS", "Thanh tra Sở"),
    UnitRef("VPS", "Văn phòng Sở"),
    UnitRef("BGD", "Ban Giám đốc Sở"),
    UnitRef("UBND-TP", "Ủy ban nhân dân thành phố", internal=False),
]

# --- DOCX: tasks in a table --------------------------------------------------------------------
DOCX_TASKS = [
    ("1", ["Tổ chức họp báo giới thiệu chuỗi sự kiện kỷ niệm 70 năm Ngày giải phóng thành phố"],
     ["Phòng TTBCXB"], ["Trung tâm TT-TT", "Văn phòng Sở"], "Trước ngày 10/5/2025"),
    ("2", ["Xuất bản ấn phẩm thông tin đối ngoại về thành phố",
           "Ấn phẩm song ngữ Việt – Anh, 2.000 bản."],
     ["Phòng Thông tin – Báo chí – Xuất bản"], ["Các cơ quan, đơn vị liên quan"], "Tháng 5/2025"),
    ("3", ["Theo dõi, tổng hợp dư luận báo chí trong và ngoài nước về các hoạt động kỷ niệm"],
     ["Thanh tra Sở"], ["Phòng TTBCXB, Báo Hải Phòng và các đơn vị liên quan"],
     "Từ ngày 01/5/2025 đến ngày 31/5/2025"),
    ("4", ["Báo cáo kết quả thực hiện Kế hoạch"], ["Văn phòng Sở"], [], "6 tháng đầu năm 2025"),
]


def build_docx(directory: Path) -> Path:
    import docx

    document = docx.Document()
    header = document.add_table(rows=2, cols=2)
    _cell(header.cell(0, 0), ["UBND THÀNH PHỐ HẢI PHÒNG", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"])
    _cell(header.cell(0, 1), ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    _cell(header.cell(1, 0), ["Số: 21/KH-STTTT"])
    _cell(header.cell(1, 1), ["Hải Phòng, ngày 05 tháng 4 năm 2025"])
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Thông tin đối ngoại dịp kỷ niệm 70 năm Ngày giải phóng thành phố")
    document.add_paragraph("")
    document.add_paragraph(
        "Căn cứ Kế hoạch số 14/KH-STTTT ngày 18/02/2025 của Sở Thông tin và Truyền thông về công tác "
        "thông tin đối ngoại năm 2025;"
    )
    document.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    document.add_paragraph("- Quảng bá hình ảnh thành phố tới bạn bè quốc tế.")
    document.add_paragraph("II. NHIỆM VỤ CỤ THỂ")
    tasks = document.add_table(rows=1, cols=5)
    for cell, label in zip(tasks.rows[0].cells, ("STT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian"), strict=True):
        cell.text = label
    for number, title, lead, coordinators, timeline in DOCX_TASKS:
        cells = tasks.add_row().cells
        cells[0].text = number
        _cell(cells[1], title)
        _cell(cells[2], lead)
        _cell(cells[3], coordinators)
        cells[4].text = timeline
    document.add_paragraph("III. TỔ CHỨC THỰC HIỆN")
    document.add_paragraph("Phòng Thông tin – Báo chí – Xuất bản theo dõi, tổng hợp, báo cáo.")
    signature = document.add_table(rows=1, cols=2)
    _cell(signature.cell(0, 0), ["Nơi nhận:", "- UBND thành phố;", "- Lưu: VT."])
    _cell(signature.cell(0, 1), ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "", "Nguyễn Quang Huy"])
    path = directory / "ke-hoach-21-KH-STTTT.docx"
    document.save(str(path))
    return path


def _cell(cell, paragraphs: list[str]) -> None:
    cell.text = paragraphs[0] if paragraphs else ""
    for text in paragraphs[1:]:
        cell.add_paragraph(text)


# --- PDF with a text layer ---------------------------------------------------------------------
FOREIGN_AFFAIRS_UNITS = [
    UnitRef("LS", "Phòng Lãnh sự"),
    UnitRef("HTQT", "Phòng Hợp tác quốc tế"),
    UnitRef("VP", "Văn phòng Sở"),
    UnitRef("TT", "Thanh tra Sở"),
    UnitRef("UBND", "Ủy ban nhân dân tỉnh", ("UBND tỉnh",), internal=False),
]

PDF_HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 2cm 2cm 2cm 3cm; }
body { font-family: "Noto Sans", sans-serif; font-size: 12pt; line-height: 1.35; }
table.head { width: 100%; } table.head td { vertical-align: top; text-align: center; width: 50%; }
.center { text-align: center; } .bold { font-weight: bold; }
</style></head><body>
<table class="head"><tr>
<td>UBND TỈNH KHÁNH HÒA<br><b>SỞ NGOẠI VỤ</b><br>Số: 09/KH-SNgV</td>
<td><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b><br>
<i>Khánh Hòa, ngày 14 tháng 02 năm 2025</i></td>
</tr></table>
<p class="center bold">KẾ HOẠCH<br>Thông tin đối ngoại của Sở Ngoại vụ năm 2025</p>
<p>Thực hiện Kế hoạch số 31/KH-UBND ngày 20/01/2025 của Ủy ban nhân dân tỉnh về công tác thông
tin đối ngoại năm 2025, Sở Ngoại vụ ban hành Kế hoạch như sau:</p>
<p class="bold">I. MỤC ĐÍCH, YÊU CẦU</p>
<p>- Cung cấp thông tin chính thức, kịp thời cho cơ quan đại diện nước ngoài và báo chí quốc tế.</p>
<p class="bold">II. NHIỆM VỤ</p>
<p>1. Cập nhật thông tin đối ngoại trên Cổng thông tin điện tử của Sở bằng tiếng Anh</p>
<p>- Chủ trì: Văn phòng Sở.</p>
<p>- Phối hợp: Phòng Hợp tác quốc tế.</p>
<p>- Tiến độ: Hằng tháng.</p>
<p>2. Đón tiếp các đoàn phóng viên nước ngoài đến tác nghiệp tại tỉnh</p>
<p>- Chủ trì: Phòng Lãnh sự.</p>
<p>- Phối hợp: Sở Văn hóa và Thể thao, Văn phòng Sở và các cơ quan, đơn vị liên quan.</p>
<p>- Tiến độ: Quý I/2025.</p>
<p>3. Tổ chức hội nghị thông tin cho cộng đồng người Việt Nam ở nước ngoài</p>
<p>- Chủ trì: Phòng Hợp tác quốc tế.</p>
<p>- Phối hợp: Phòng Lãnh sự.</p>
<p>- Tiến độ: Trong tháng 9/2025.</p>
<p>4. Tổng kết công tác thông tin đối ngoại năm 2025</p>
<p>- Chủ trì: Văn phòng Sở.</p>
<p>- Phối hợp: Thanh tra Sở.</p>
<p>- Tiến độ: Năm 2025.</p>
<p class="bold">III. TỔ CHỨC THỰC HIỆN</p>
<p>Văn phòng Sở theo dõi, đôn đốc, tổng hợp kết quả báo cáo Ủy ban nhân dân tỉnh.</p>
<p>Nơi nhận:<br>- UBND tỉnh (b/c);<br>- Lưu: VT.</p>
<p class="center bold">GIÁM ĐỐC</p>
<p class="center bold">Lê Thị Hoa</p>
</body></html>"""


def build_pdf(directory: Path) -> Path:
    from weasyprint import HTML

    path = directory / "ke-hoach-09-KH-SNgV.pdf"
    HTML(string=PDF_HTML).write_pdf(str(path))
    return path


# --- a scanned page ------------------------------------------------------------------------------
SCAN_LINES = [
    ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", True),
    ("Số: 03/KH-STTTT        Hải Phòng, ngày 02 tháng 6 năm 2025", False),
    ("", False),
    ("KẾ HOẠCH", True),
    ("Tuyên truyền về biển, đảo năm 2025", True),
    ("", False),
    ("I. NHIỆM VỤ", True),
    ("1. Cập nhật tư liệu về biển, đảo cho thư viện điện tử", False),
    ("- Đơn vị chủ trì: Trung tâm Thông tin và Truyền thông.", False),
    ("- Đơn vị phối hợp: Thanh tra Sở và các đơn vị liên quan.", False),
    ("- Thời gian thực hiện: Quý III/2025.", False),
    ("2. Tổ chức cuộc thi ảnh về biển, đảo quê hương", False),
    ("- Đơn vị chủ trì: Phòng Thông tin – Báo chí – Xuất bản.", False),
    ("- Đơn vị phối hợp: Văn phòng Sở.", False),
    ("- Thời gian thực hiện: Trước ngày 31/8/2025.", False),
    ("3. Báo cáo kết quả thực hiện", False),
    ("- Đơn vị chủ trì: Văn phòng Sở.", False),
    ("- Thời gian thực hiện: Thường xuyên.", False),
]


def build_scan(directory: Path) -> Path:
    """One page rendered as a 150 dpi greyscale scan would look."""
    from PIL import Image, ImageDraw, ImageFont

    regular, bold = ImageFont.truetype(FONT, 30), ImageFont.truetype(FONT_BOLD, 30)
    page = Image.new("L", (1600, 60 + 52 * len(SCAN_LINES)), 255)
    draw = ImageDraw.Draw(page)
    for row, (text, strong) in enumerate(SCAN_LINES):
        draw.text((80, 40 + 52 * row), text, fill=0, font=bold if strong else regular)
    path = directory / "ke-hoach-03-KH-STTTT.png"
    page.save(path, dpi=(150, 150))
    return path
