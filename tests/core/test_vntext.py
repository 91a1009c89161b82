"""core.vntext: the one folding function and its OCR-tolerant matching."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doingoai.core import vntext


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đối ngoại", "doi ngoai"),
        ("Hải Phòng", "hai phong"),
        ("KẾ HOẠCH", "ke hoach"),
        ("kế hoạch", "ke hoach"),
        ("Truyền thông", "truyen thong"),
        ("Truyền thống", "truyen thong"),
        ("ĐẢO BẠCH LONG VĨ", "dao bach long vi"),
        ("Quý II/2025, ngày 18/02", "quy ii/2025, ngay 18/02"),
        ("海防市", "海防市"),
    ],
)
def test_fold_removes_marks_and_case(text, folded):
    assert vntext.fold(text) == folded


def test_fold_treats_composed_and_decomposed_input_alike():
    composed = "Hải Phòng"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert vntext.fold(composed) == vntext.fold(decomposed) == "hai phong"


def test_normalize_keeps_diacritics_and_collapses_spaces():
    assert vntext.normalize("  Sở\u00a0Thông tin \n và  Truyền thông ") == "Sở Thông tin và Truyền thông"
    assert vntext.normalize(unicodedata.normalize("NFD", "Đơn vị")) == "Đơn vị"


@given(st.text())
@settings(max_examples=2000)
def test_fold_character_by_character_equals_folding_the_whole_string(text):
    assert vntext.fold(text) == vntext.fold_reference(text)


def test_fold_equals_its_definition_on_every_vietnamese_letter_and_some_hard_cases():
    letters = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
    hard = ["İstanbul", "ﬁ", "ß", "ᾳ", "e\u0301", "한국 하이퐁", "海防市", "ハイフォン", "q\u0303", "ୋ"]
    for text in [letters, letters.upper(), *hard]:
        assert vntext.fold(text) == vntext.fold_reference(text)


@given(st.text())
def test_fold_is_idempotent(text):
    once = vntext.fold(text)
    assert vntext.fold(once) == once


@given(st.text())
def test_fold_never_raises_and_leaves_no_combining_marks(text):
    folded = vntext.fold(text)
    assert not any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", folded))
    assert "đ" not in folded and "Đ" not in folded


@given(st.text(alphabet=st.characters(whitelist_categories=("Nd", "Po", "Ps", "Pe", "Pd", "Zs"))))
def test_fold_keeps_digits_and_punctuation(text):
    # Digits, punctuation and spaces have no marks and no case: they pass through unchanged.
    assert vntext.fold(text) == unicodedata.normalize("NFC", text)


@given(st.text())
def test_fold_keeps_digits_in_any_text(text):
    assert [c for c in vntext.fold(text) if c in "0123456789"] == [c for c in text if c in "0123456789"]


@pytest.mark.parametrize(
    ("damaged", "label"),
    [
        ("Pon vi chu tri", "Đơn vị chủ trì"),
        ("Bon vi phdi hop", "Đơn vị phối hợp"),
        ("Thot gian thuc hién", "Thời gian thực hiện"),
    ],
)
def test_ocr_damaged_labels_still_match(damaged, label):
    assert vntext.similarity(damaged, label) >= 0.9


def test_best_match_picks_the_unit_and_refuses_strangers():
    units = {
        "TTBCXB": ["Phòng Thông tin – Báo chí – Xuất bản"],
        "TTTT": ["Trung tâm Thông tin và Truyền thông", "Trung tâm Thông tin – Truyền thông"],
    }
    assert vntext.best_match("Trung tam Thong tin va Truyén thong", units)[0] == "TTTT"
    assert vntext.best_match("Phong Thong tin - Bao chi - Xuat ban", units)[0] == "TTBCXB"
    assert vntext.best_match("Sở Y tế", units)[0] is None
