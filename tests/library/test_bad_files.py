"""Files the library refuses, each with a clear Vietnamese message and nothing left behind:
state secrets (MẬT, TỐI MẬT, TUYỆT MẬT), damaged or password-protected PDFs, bombs, files
whose type lies about itself, files over the size limit; a batch goes on past them."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pikepdf
import pytest

from doingoai.core.models import AuditEntry, Notification
from doingoai.library import filetypes, ingest
from doingoai.library.models import Item, ItemFile, ItemPage, ProcessingState

from .fixtures import documents
from .fixtures.documents import remove_stored_files  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db

LINES = [
    "Báo cáo tình hình quản lý vùng biển và hải đảo thành phố Hải Phòng",
    "Các lực lượng chức năng tuần tra, kiểm soát vùng biển được giao.",
]


def storage_dir() -> Path:
    return Path(ItemFile._meta.get_field("file").storage.location)


def ingest_temp_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("doingoai-ingest-*")}


@pytest.fixture
def nothing_left():
    """Asserts, after the refusal, that no item, page, file or temporary folder is left."""
    temp_before = ingest_temp_dirs()

    def check(stem: str) -> None:
        assert not Item.objects.exists() and not ItemPage.objects.exists() and not ItemFile.objects.exists()
        assert not [p for p in storage_dir().rglob("*") if stem in p.name]
        assert ingest_temp_dirs() <= temp_before

    return check


def refused(path: Path, code: str, **options) -> str:
    with pytest.raises(ingest.Refused) as caught:
        ingest.ingest_file(path, **options)
    assert caught.value.code == code, caught.value.message
    return caught.value.message


# --- state secrets -------------------------------------------------------------------------------

def test_a_pdf_stamped_mat_is_refused_and_nothing_of_it_is_kept(tmp_path, make_person, nothing_left):
    person = make_person("chuyen-vien", "TTTT")
    pdf = documents.html_pdf(tmp_path / "cong-van-mat-xyz.pdf", [["Nội dung công văn về vùng biển."]], stamp="MẬT")
    message = refused(pdf, "secret", user=person)

    assert "«MẬT»" in message and "không được phép lưu giữ bí mật nhà nước" in message
    nothing_left("cong-van-mat-xyz")
    # The refusal is in the audit log, with the file's name and the mark, not its content.
    entry = AuditEntry.objects.get(action="library.refused_secret")
    assert entry.changes == {"file": "cong-van-mat-xyz.pdf", "mark": "MẬT"} and entry.actor == person
    assert "vùng biển" not in str(entry.changes)


def test_a_stamp_on_a_later_page_is_found_too(tmp_path, nothing_left):
    pdf = documents.html_pdf(tmp_path / "phu-luc-abc.pdf", [["Trang một, bình thường."], ["TỐI MẬT", "Phụ lục."]])
    assert "«TỐI MẬT»" in refused(pdf, "secret")
    nothing_left("phu-luc-abc")


def test_a_scanned_image_stamped_mat_is_refused_after_ocr(tmp_path, nothing_left):
    png = documents.scanned_png(tmp_path / "anh-quet-mat-qrs.png", LINES, stamp="MẬT")
    assert "«MẬT»" in refused(png, "secret")
    nothing_left("anh-quet-mat-qrs")


def test_a_docx_with_tuyet_mat_in_its_header_is_refused(tmp_path, nothing_left):
    path = documents.docx_file(tmp_path / "du-thao-uvw.docx", heading="Phương án", paragraphs=["Nội dung."],
                               header="TUYỆT MẬT")
    assert "«TUYỆT MẬT»" in refused(path, "secret")
    nothing_left("du-thao-uvw")


def test_a_scan_found_stamped_by_the_later_ocr_is_deleted_with_its_draft(tmp_path, make_person):
    person = make_person("chuyen-vien", "TTTT")
    pdf = documents.scanned_pdf(tmp_path / "ban-quet-mat-lmn.pdf", [LINES, LINES], stamp_on=1)
    item = ingest.ingest_file(pdf, user=person, run_ocr="later")  # no text layer: nothing to see yet
    stored = Path(item.files.get().file.path)
    assert stored.exists() and item.processing == ProcessingState.PENDING

    assert ingest.process(item.pk) == "refused"
    assert not Item.objects.filter(pk=item.pk).exists() and not ItemFile.objects.exists()
    assert not stored.exists() and not [p for p in storage_dir().rglob("*") if "ban-quet-mat-lmn" in p.name]
    assert AuditEntry.objects.get(action="library.refused_secret").changes == {
        "file": "ban-quet-mat-lmn.pdf", "mark": "MẬT"}
    told = Notification.objects.get(user=person)
    assert "bí mật nhà nước" in told.body and "ban-quet-mat-lmn.pdf" in told.title


# --- damaged, locked, bombs, lies, size --------------------------------------------------------

def test_a_damaged_pdf_is_refused(tmp_path, nothing_left):
    message = refused(documents.corrupt_pdf(tmp_path / "hong-def.pdf"), "corrupt")
    assert message.startswith("Tệp PDF «hong-def.pdf» bị hỏng, không mở được.")
    nothing_left("hong-def")


def test_a_password_protected_pdf_is_refused(tmp_path, nothing_left):
    plain = documents.html_pdf(tmp_path / "plain.pdf", [["Tài liệu có mật khẩu."]])
    locked = documents.password_pdf(plain, tmp_path / "co-mat-khau-ghi.pdf")
    message = refused(locked, "password")
    assert "«co-mat-khau-ghi.pdf» có mật khẩu" in message and "gỡ mật khẩu" in message
    nothing_left("co-mat-khau-ghi")


def test_a_pdf_that_anyone_may_open_but_whose_copying_is_restricted_is_read(tmp_path):
    plain = documents.html_pdf(tmp_path / "plain.pdf", [["Bản đồ hành chính huyện đảo Bạch Long Vĩ."]])
    restricted = tmp_path / "han-che.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(restricted, encryption=pikepdf.Encryption(
            user="", owner="chu-so-huu", allow=pikepdf.Permissions(extract=False, modify_other=False)))
    item = ingest.ingest_file(restricted)
    assert item.text == "Bản đồ hành chính huyện đảo Bạch Long Vĩ."
    # The original is kept as it came, encryption and all.
    assert Path(item.files.get().file.path).read_bytes() == restricted.read_bytes()


def test_a_zip_bomb_dressed_as_a_docx_is_refused_before_it_is_unpacked(tmp_path, nothing_left):
    good = documents.docx_file(tmp_path / "good.docx", heading="Báo cáo", paragraphs=["Nội dung."])
    bomb = documents.zip_bomb_docx(good, tmp_path / "bao-cao-jkl.docx", unpacked_mb=50)
    assert bomb.stat().st_size < 1024 * 1024
    message = refused(bomb, "zip_bomb")
    assert "bom nén" in message
    nothing_left("bao-cao-jkl")


def test_an_image_bomb_is_refused_from_its_header(tmp_path, nothing_left):
    bomb = documents.png_bomb(tmp_path / "anh-bom-opq.png")
    assert bomb.stat().st_size < 10_000
    message = refused(bomb, "image_bomb")
    assert "«anh-bom-opq.png»" in message and "bom ảnh" in message
    nothing_left("anh-bom-opq")


def test_a_file_whose_extension_lies_about_its_type_is_refused_naming_both(tmp_path, nothing_left):
    pdf = documents.html_pdf(tmp_path / "x.pdf", [["Không phải ảnh."]])
    liar = tmp_path / "anh-tuv.jpg"
    liar.write_bytes(pdf.read_bytes())
    message = refused(liar, "type_mismatch")
    assert message.startswith("Tệp «anh-tuv.jpg» thực chất là tệp PDF, không phải tệp JPEG")
    assert "«anh-tuv.pdf»" in message
    nothing_left("anh-tuv")


def test_harmless_variants_of_an_extension_are_accepted(tmp_path):
    jpeg = tmp_path / "anh.JPEG"
    from PIL import Image

    Image.new("RGB", (40, 30), "white").save(jpeg, "JPEG")
    assert filetypes.sniff(jpeg) is filetypes.JPEG
    tiff = tmp_path / "anh.tif"
    Image.new("L", (40, 30), 255).save(tiff, "TIFF")
    assert filetypes.sniff(tiff) is filetypes.TIFF


def test_an_unsupported_type_is_refused_with_the_list_of_accepted_ones(tmp_path, nothing_left):
    exe = tmp_path / "cai-dat-xyz.exe"
    exe.write_bytes(b"MZ\x90\x00" + bytes(200))
    message = refused(exe, "unsupported")
    assert "tệp EXE" in message and "Các loại được nhận: PDF, DOCX, PNG, JPEG" in message
    text = tmp_path / "ghi-chu.txt"
    text.write_text("Chỉ là chữ.", encoding="utf-8")
    assert "một loại tệp không nhận ra" in refused(text, "unsupported")
    empty = tmp_path / "rong.pdf"
    empty.write_bytes(b"")
    assert refused(empty, "empty") == "Tệp «rong.pdf» trống."
    nothing_left("cai-dat-xyz")


def test_a_2_gb_file_is_refused_from_its_size_without_being_read(tmp_path, nothing_left):
    huge = tmp_path / "video-2gb-zzz.mp4"
    with open(huge, "wb") as fh:
        fh.write(b"\x00\x00\x00\x18ftypmp42")  # a real MP4 start, then a hole of 2 GB
        fh.truncate(2 * 1024**3)
    assert huge.stat().st_blocks * 512 < 1024 * 1024  # sparse: nothing was written
    message = refused(huge, "too_big")
    assert "«video-2gb-zzz.mp4» dung lượng 2,0 GB, vượt giới hạn 500 MB" in message
    nothing_left("video-2gb-zzz")


def test_a_batch_goes_on_past_a_bad_file(tmp_path):
    first = documents.html_pdf(tmp_path / "mot.pdf", [["Tư liệu thứ nhất về đảo Hòn Dấu."]])
    bad = documents.corrupt_pdf(tmp_path / "hai.pdf")
    third = documents.docx_file(tmp_path / "ba.docx", heading="Tư liệu thứ ba", paragraphs=["Về đảo Cát Bà."])
    outcomes = ingest.ingest_many([first, bad, (third, "Tư liệu thứ ba.docx")])

    assert [(name, item is not None, message is None) for name, item, message in outcomes] == [
        ("mot.pdf", True, True), ("hai.pdf", False, False), ("Tư liệu thứ ba.docx", True, True)]
    assert outcomes[1][2].startswith("Tệp PDF «hai.pdf» bị hỏng")
    assert sorted(Item.objects.values_list("title", flat=True)) == ["Tư liệu thứ ba", "Tư liệu thứ nhất về đảo Hòn Dấu"]


def test_the_same_file_sent_twice_makes_one_item(tmp_path):
    pdf = documents.html_pdf(tmp_path / "mot-lan.pdf", [["Tư liệu về đảo Hòn Dáu gửi hai lần."]])
    first = ingest.ingest_file(pdf)
    message = refused(pdf, "duplicate", name="gui-lai.pdf")
    assert message == f"Tệp «gui-lai.pdf» đã có trong thư viện: tài liệu #{first.pk} «{first.title}»."
    assert Item.objects.count() == 1
    assert ingest.ingest_file(pdf, allow_duplicate=True).pk != first.pk  # when a person wants it
