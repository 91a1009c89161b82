"""Statistics of the press: stories (with their articles beside) per day, by theme, sentiment,
language and country, the top outlets and the share of themes; every table exportable.

The fixture, 10–11/05/2025 (Asia/Ho_Chi_Minh), about the city:
  story A "Lạch Huyện" — Báo Hải Phòng and Tuổi Trẻ on the 10th, Tân Hoa Xã on the 11th
                          (3 articles; economy; positive; Vietnamese)
  story B "rác Đồ Sơn"  — Báo Hải Phòng on the 10th (tourism + environment; negative)
  story C "Cat Ba"      — Tân Hoa Xã on the 11th, in English (tourism; neutral)
and, not about the city, story D on Tuổi Trẻ on the 11th.
So 3 stories and 5 articles in 2 days."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

from doingoai.core.models import Role
from doingoai.monitoring import stats
from doingoai.monitoring.models import Article, Source
from doingoai.monitoring.pipeline.ingest import Incoming, ingest
from doingoai.plans import statistics as plan_statistics

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD = stats.Period(date(2025, 5, 10), date(2025, 5, 11))

PORT = ("Cảng container quốc tế Lạch Huyện của thành phố Hải Phòng vừa đón tàu có sức chở 18.000 TEU, lớn nhất từ "
        "trước đến nay cập cảng miền Bắc. Theo Ban quản lý Khu kinh tế Hải Phòng, sản lượng hàng hóa qua cảng bốn "
        "tháng đầu năm tăng 20% so với cùng kỳ, kim ngạch xuất khẩu của các doanh nghiệp FDI tiếp tục tăng mạnh.")
BEACH = ("Nhiều đoạn bãi tắm Đồ Sơn ngập rác thải nhựa sau đợt triều cường, du khách than phiền về mùi hôi. Công ty "
         "môi trường đô thị Hải Phòng cho biết đã huy động hàng chục công nhân thu gom nhưng rác vẫn dạt vào bờ "
         "mỗi ngày, ảnh hưởng đến hình ảnh khu du lịch trong mùa cao điểm.")
CAT_BA = ("Cat Ba island in the northern port city of Hai Phong welcomed more than 50,000 visitors over the weekend, "
          "local authorities said. Hotels reported high occupancy and boat tours to Lan Ha Bay were fully booked, "
          "while the city plans new walking trails in the national park.")
OTHER = ("Thành phố Đà Nẵng tổ chức lễ hội pháo hoa quốc tế với sự tham gia của tám đội đến từ nhiều quốc gia. Ban "
         "tổ chức dự kiến thu hút hàng trăm nghìn lượt khách, các khách sạn ven biển gần như kín phòng.")


@pytest.fixture
def press(db):
    hp = Source.objects.create(name="Báo Hải Phòng", kind=Source.Kind.LOCAL, country="VN")
    tt = Source.objects.create(name="Báo Tuổi Trẻ", kind=Source.Kind.NATIONAL, country="VN")
    xh = Source.objects.create(name="Tân Hoa Xã", kind=Source.Kind.FOREIGN, country="CN", language="en")
    at = lambda day, hour: datetime(2025, 5, day, hour, 0, tzinfo=HCM)  # noqa: E731
    out = ingest([
        Incoming("https://baohaiphong.vn/lach-huyen.html", "Lạch Huyện đón tàu container lớn nhất", PORT, at(10, 8),
                 source=hp),
        Incoming("https://tuoitre.vn/lach-huyen.htm", "Lạch Huyện đón tàu container lớn nhất", PORT, at(10, 10),
                 source=tt),
        Incoming("https://baohaiphong.vn/rac-do-son.html", "Bãi tắm Đồ Sơn ngập rác", BEACH, at(10, 23), source=hp),
        Incoming("https://vietnamese.xinhuanet.com/lach-huyen.htm", "Lạch Huyện đón tàu container lớn nhất", PORT,
                 at(11, 0), source=xh),
        Incoming("https://english.news.cn/cat-ba.htm", "Cat Ba welcomes weekend visitors", CAT_BA, at(11, 9),
                 source=xh),
        Incoming("https://tuoitre.vn/da-nang-phao-hoa.htm", "Đà Nẵng bắn pháo hoa quốc tế", OTHER, at(11, 20),
                 source=tt),
        Incoming("https://baohaiphong.vn/ngoai-ky.html", "Bãi tắm Đồ Sơn ngập rác, bài cũ", BEACH + " Bài cũ.",
                 at(9, 23), source=hp),  # the 9th: outside the period
    ])
    a = {i: o.article for i, o in enumerate(out)}
    labelled = [((0, 1, 3), True, ["kinh-te-dau-tu"], "positive", "vi"), ((2, 6), True, ["du-lich", "moi-truong"],
                "negative", "vi"), ((4,), True, ["du-lich"], "neutral", "en"), ((5,), False, [], "na", "vi")]
    for indexes, relevant, themes, sentiment, lang in labelled:
        Article.objects.filter(pk__in=[a[i].pk for i in indexes]).update(
            relevant=relevant, themes=themes, sentiment=sentiment, language=lang)
    assert a[0].story_id == a[1].story_id == a[3].story_id  # the fixture's premise: one story, three outlets
    assert len({a[0].story_id, a[2].story_id, a[4].story_id, a[5].story_id}) == 4
    return a


def test_three_stories_and_five_articles_in_two_days(press):
    assert stats.totals(PERIOD) == stats.Total(stories=3, articles=5)
    assert stats.volume(PERIOD) == {date(2025, 5, 10): (2, 3), date(2025, 5, 11): (2, 2)}
    everything = stats.Period(PERIOD.start, PERIOD.end, relevant_only=False)
    assert stats.totals(everything) == stats.Total(stories=4, articles=6)


def test_a_story_counts_once_per_theme_and_the_share_of_themes(press):
    themes = stats.by_theme(PERIOD)
    assert themes.overall == {"kinh-te-dau-tu": (1, 3), "du-lich": (2, 2), "moi-truong": (1, 1)}
    assert themes.daily[(date(2025, 5, 10), "kinh-te-dau-tu")] == (1, 2)
    share = {row[0]: row[1:] for row in stats.compute(PERIOD).table("ty-trong-chu-de").rows}
    assert share["Du lịch"] == [2, 2, 50.0, 66.7]
    assert share["Kinh tế - đầu tư"] == [1, 3, 25.0, 33.3]
    assert share["Môi trường"][:2] == [1, 1] and share["Giảm nghèo và an sinh xã hội"] == [0, 0, 0.0, 0.0]


def test_by_sentiment_language_and_country_of_the_source(press):
    assert stats.by_sentiment(PERIOD).overall == {"positive": (1, 3), "negative": (1, 1), "neutral": (1, 1)}
    assert stats.by_language(PERIOD).overall == {"vi": (2, 4), "en": (1, 1)}
    country = stats.by_country(PERIOD)
    assert country.overall == {"VN": (2, 3), "CN": (2, 2)}
    assert country.daily[(date(2025, 5, 11), "CN")] == (2, 2)
    assert [label for _code, label in country.values] == ["Việt Nam", "Trung Quốc"]


def test_top_outlets_count_articles_and_stories(press):
    assert [(o["name"], o["articles"], o["stories"]) for o in stats.top_outlets(PERIOD)] == [
        ("Báo Hải Phòng", 2, 2), ("Tân Hoa Xã", 2, 2), ("Báo Tuổi Trẻ", 1, 1)]


def test_the_plans_periodic_report_gets_the_press_figures_of_task_9(press):
    figures = {row["label"]: row for row in plan_statistics.collect(PERIOD.start, PERIOD.end)
               if row["source"] == "monitoring.press"}
    assert figures["Số câu chuyện về thành phố trên báo chí"]["value"] == 3
    assert figures["Số bài báo về thành phố"]["value"] == 5
    assert figures["Số câu chuyện trên báo chí trong nước"]["value"] == 2
    assert figures["Số câu chuyện trên báo chí nước ngoài"]["value"] == 2
    assert figures["Số câu chuyện có sắc thái tiêu cực"]["value"] == 1
    assert {row["task_no"] for row in figures.values()} == {9}


@pytest.fixture
def editor(make_person, signed_in):
    return signed_in(make_person(Role.CHUYEN_VIEN, "TTBCXB"))


def test_the_screen_shows_charts_with_their_tables(press, editor):
    response = editor.get(reverse("monitoring_statistics"), {"tu": "10/05/2025", "den": "11/05/2025",
                                                             "lien_quan": "on"})
    body = response.content.decode()
    assert "<strong data-stories>3</strong>" in body and "<span data-articles>5</span>" in body
    for slug in ("ngay", "chu-de", "sac-thai", "ngon-ngu", "quoc-gia", "nguon", "ty-trong-chu-de"):
        assert f'id="chart-{slug}"' in body and f"bang={slug}&amp;xuat=csv" in body
    assert 'id="monitoring-chart-data" type="application/json"' in body
    assert "monitoring/statistics.js" in body
    assert "Tân Hoa Xã" in body and "Trung Quốc" in body


def test_the_default_is_the_last_30_days_of_articles_about_the_city(press, editor):
    body = editor.get(reverse("monitoring_statistics")).content.decode()
    today = datetime.now(HCM).date()
    assert today.strftime("%d/%m/%Y") in body and 'name="lien_quan"' in body and "checked" in body


def test_every_table_exports_to_csv_and_xlsx(press, editor):
    query = {"tu": "10/05/2025", "den": "11/05/2025", "lien_quan": "on", "bang": "ngay"}
    response = editor.get(reverse("monitoring_statistics"), {**query, "xuat": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="thong-ke-ngay-20250510-20250511.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["Ngày", "Số câu chuyện", "Số bài"], ["10/05/2025", "2", "3"], ["11/05/2025", "2", "2"],
                    ["Cả kỳ", "3", "5"]]

    response = editor.get(reverse("monitoring_statistics"), {**query, "bang": "quoc-gia", "xuat": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0] == ("Ngày", "Việt Nam: số câu chuyện", "Việt Nam: số bài",
                         "Trung Quốc: số câu chuyện", "Trung Quốc: số bài")
    assert values[1:] == [("10/05/2025", 2, 3, 0, 0), ("11/05/2025", 0, 0, 2, 2), ("Cả kỳ", 2, 3, 2, 2)]


def test_a_wrong_date_gives_a_vietnamese_message_and_keeps_the_form(press, editor):
    response = editor.get(reverse("monitoring_statistics"), {"tu": "31/02/2025", "den": "11/05/2025"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ngày không hợp lệ; xin nhập theo dạng dd/mm/yyyy" in body
    assert 'value="31/02/2025"' in body and 'value="11/05/2025"' in body
    assert "data-stories" not in body
    body = editor.get(reverse("monitoring_statistics"), {"tu": "12/05/2025", "den": "11/05/2025"}).content.decode()
    assert "Ngày bắt đầu phải trước hoặc trùng ngày kết thúc." in body


def test_the_screen_is_closed_to_people_without_a_monitoring_role(press, make_person, signed_in):
    response = signed_in(make_person(Role.QUAN_TRI, "VPS")).get(reverse("monitoring_statistics"))
    assert response.status_code == 403 and "data-stories" not in response.content.decode()


def test_the_dashboard_opens_with_todays_stories_about_the_city_and_their_articles(db, make_person, signed_in):
    from django.utils import timezone

    outlets = [Source.objects.create(name=name, kind=Source.Kind.LOCAL, country="VN") for name in ("Báo A", "Báo B")]
    now = timezone.now()
    ingest([Incoming(url=f"https://bao{n}.vn/lach-huyen.html", title="Cảng Lạch Huyện đón tàu 18.000 TEU", text=PORT,
                     published=now, source=outlet) for n, outlet in enumerate(outlets)])
    body = signed_in(make_person(Role.CHUYEN_VIEN, "TTBCXB")).get(reverse("wagtailadmin_home")).content.decode()
    assert "<strong>1</strong> Câu chuyện về thành phố hôm nay" in body and "2 bài báo" in body
