"""core.secrecy: documents stamped MẬT / TỐI MẬT / TUYỆT MẬT are recognised (and refused by
the importer); the words "mật", "bí mật", "bảo mật" in ordinary prose are not a stamp."""

from pathlib import Path

import pytest

from doingoai.core.secrecy import find_secrecy_mark

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("stamp", "mark"),
    [
        ("MẬT", "MẬT"),
        ("TỐI MẬT", "TỐI MẬT"),
        ("TUYỆT MẬT", "TUYỆT MẬT"),
        ("Độ mật: Mật", "MẬT"),
        ("ĐỘ MẬT: TỐI MẬT", "TỐI MẬT"),
        ("Tối mật", "TỐI MẬT"),
        ("[MẬT]", "MẬT"),
        ("  « TUYỆT MẬT »  ", "TUYỆT MẬT"),
        # OCR readings of a stamp: marks lost, letters confused, still capitals alone on a line
        ("MAT", "MẬT"),
        ("TOI MAT", "TỐI MẬT"),
        ("TUYET MAT", "TUYỆT MẬT"),
        ("T0I MAT", "TỐI MẬT"),
        ("Do mat: Toi mat", "TỐI MẬT"),
    ],
)
def test_a_stamp_line_is_found(stamp, mark):
    text = f"UBND THÀNH PHỐ\nSố: 05/KH-STTTT\n{stamp}\nKẾ HOẠCH\nNội dung kế hoạch."
    assert find_secrecy_mark(text) == mark


@pytest.mark.parametrize(
    "prose",
    [
        "Chấp hành nghiêm chế độ bảo mật thông tin, bảo vệ bí mật Nhà nước.",
        "bảo vệ bí mật Nhà nước",
        "mật khẩu",
        "Đổi mật khẩu tài khoản định kỳ",
        "chế độ bảo mật thông tin",
        "mật",  # a wrapped line of prose ("… bí\nmật"), in small letters
        "mat",
        "Mat",
        "Độ mật: Thường",
        "TÀI LIỆU KHÔNG MẬT NHƯNG CẦN GIỮ GÌN CẨN THẬN TRONG NỘI BỘ CƠ QUAN",
    ],
)
def test_prose_about_secrecy_is_not_a_stamp(prose):
    assert find_secrecy_mark(prose) is None


def test_the_seed_plan_is_not_secret_although_it_speaks_of_state_secrets():
    text = (FIXTURES / "000_057609350bf8065e.txt").read_text(encoding="utf-8")
    assert "bi mat Nha" in text
    assert find_secrecy_mark(text) is None


def test_empty_text_has_no_mark():
    assert find_secrecy_mark("") is None
