"""plans.timeline: a task's "Thời gian thực hiện" read into dates, whatever the scan did to it."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from doingoai.plans import timeline

YEAR = 2025
WHOLE_YEAR = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        # continuous and recurring work runs over the plan's whole year
        ("Thường xuyên", "continuous", *WHOLE_YEAR),
        ("Thuong xuyén.", "continuous", *WHOLE_YEAR),
        ("THƯỜNG XUYÊN", "continuous", *WHOLE_YEAR),
        ("Hằng tháng", "monthly", *WHOLE_YEAR),
        ("Hàng tháng", "monthly", *WHOLE_YEAR),
        ("Định kỳ hằng quý", "quarterly", *WHOLE_YEAR),
        ("Pinh ky hang quy", "quarterly", *WHOLE_YEAR),
        ("Hằng tuần", "weekly", *WHOLE_YEAR),
        # a year
        ("Năm 2025", "year", *WHOLE_YEAR),
        ("Nam 2025.", "year", *WHOLE_YEAR),
        ("ndm 2025", "year", *WHOLE_YEAR),
        ("Năm 2026", "year", date(2026, 1, 1), date(2026, 12, 31)),
        ("Giai đoạn 2025 - 2026", "year", date(2025, 1, 1), date(2026, 12, 31)),
        ("Trong năm", "year", *WHOLE_YEAR),
        # quarters, in Roman or Arabic numerals, one or several
        ("Quý II/2025", "quarter", date(2025, 4, 1), date(2025, 6, 30)),
        ("Quý 2 năm 2025", "quarter", date(2025, 4, 1), date(2025, 6, 30)),
        ("Quy I11/2025", "quarter", date(2025, 7, 1), date(2025, 9, 30)),
        ("Quý IV", "quarter", date(2025, 10, 1), date(2025, 12, 31)),
        ("Quý III và Quý IV/2025", "quarter", date(2025, 7, 1), date(2025, 12, 31)),
        ("Quý I, II năm 2026", "quarter", date(2026, 1, 1), date(2026, 6, 30)),
        # halves
        ("6 tháng đầu năm 2025", "half", date(2025, 1, 1), date(2025, 6, 30)),
        ("6 tháng cuối năm", "half", date(2025, 7, 1), date(2025, 12, 31)),
        ("6 thang cuoi nam 2025", "half", date(2025, 7, 1), date(2025, 12, 31)),
        # months
        ("Tháng 3/2025", "month", date(2025, 3, 1), date(2025, 3, 31)),
        ("Trong tháng 9/2025", "month", date(2025, 9, 1), date(2025, 9, 30)),
        ("tháng 3 năm 2025", "month", date(2025, 3, 1), date(2025, 3, 31)),
        ("Thdng 2", "month", date(2025, 2, 1), date(2025, 2, 28)),
        ("Tháng 3 - tháng 5/2025", "month", date(2025, 3, 1), date(2025, 5, 31)),
        # ranges, deadlines, days
        ("Từ ngày 01/4/2025 đến ngày 31/5/2025", "range", date(2025, 4, 1), date(2025, 5, 31)),
        ("Tu ngay 1/4/2025 den ngay 31/5/2025", "range", date(2025, 4, 1), date(2025, 5, 31)),
        ("Từ 15/10 đến 15/11/2025", "range", date(2025, 10, 15), date(2025, 11, 15)),
        ("Trước ngày 10/5/2025", "before", None, date(2025, 5, 10)),
        ("Trước 30/6", "before", None, date(2025, 6, 30)),
        ("Truoc ngay 10/5/2025", "before", None, date(2025, 5, 10)),
        ("15/8/2025", "date", date(2025, 8, 15), date(2025, 8, 15)),
        ("Ngày 2/9", "date", date(2025, 9, 2), date(2025, 9, 2)),
    ],
)
def test_each_shape_of_timeline_gives_its_dates(text, kind, start, end):
    read = timeline.parse(text, YEAR)
    assert (read.kind, read.start, read.end) == (kind, start, end)


def test_continuous_and_recurring_timelines_are_marked_continuous():
    assert timeline.parse("Thường xuyên", YEAR).continuous
    assert timeline.parse("Hằng tháng", YEAR).continuous
    assert not timeline.parse("Quý II/2025", YEAR).continuous


def test_a_missing_year_is_the_plans_year():
    assert timeline.parse("Quý I", 2024).start == date(2024, 1, 1)
    assert timeline.parse("Thường xuyên", 2024).end == date(2024, 12, 31)


@pytest.mark.parametrize("text", ["31/02/2025", "Tháng 13/2025", "Quý V/2025", "Từ 31/5/2025 đến 01/4/2025"])
def test_impossible_dates_are_unknown(text):
    read = timeline.parse(text, YEAR)
    assert (read.kind, read.start, read.end) == ("unknown", None, None)


@pytest.mark.parametrize("text", ["", "   ", "Theo chỉ đạo của cấp trên", "Khi có yêu cầu"])
def test_text_without_a_timeline_is_unknown_and_kept(text):
    read = timeline.parse(text, YEAR)
    assert read.kind == "unknown" and read.start is None and read.end is None
    assert read.text == text.strip()


def test_text_is_kept_as_written_in_nfc_and_label_restores_the_words():
    decomposed = "Thu\u031bo\u031b\u0300ng xuye\u0302n"
    assert timeline.parse(decomposed, YEAR).text == "Thường xuyên"
    assert timeline.parse("Thuong xuyén.", YEAR).text == "Thuong xuyén."
    assert timeline.parse("Thuong xuyén.", YEAR).label == "Thường xuyên"
    assert timeline.parse("Nam 2025.", YEAR).label == "Năm 2025"
    assert timeline.parse("Thdng 3/2025", YEAR).label == "Tháng 3/2025"


def test_label_never_changes_correct_words():
    for text in ("Hàng tháng", "Quý II/2025", "Từ ngày 01/4/2025 đến ngày 31/5/2025", "Năm 2025"):
        assert timeline.parse(text, YEAR).label == text


@given(st.text(), st.integers(min_value=1, max_value=9999))
def test_parse_never_raises(text, year):
    read = timeline.parse(text, year)
    assert read.kind in timeline.KINDS
    if read.start and read.end:
        assert read.start <= read.end


@given(st.text(alphabet="0123456789/.- QuýIVXthángnămđếntừngàyTrước", max_size=40))
def test_parse_never_raises_on_date_like_noise(text):
    read = timeline.parse(text, YEAR)
    assert read.kind in timeline.KINDS
