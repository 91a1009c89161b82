"""The daily press digest (điểm báo): the relevant articles of the past 24 hours compiled into
a draft (domestic and foreign press apart, grouped by theme, each story once with its outlet
count), edited in the browser, sent once as DOCX, PDF and HTML e-mail, archived, searchable
without diacritics, and recorded as evidence on task 9 of the plan."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import docx
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from doingoai.core import seed
from doingoai.core.models import Notification, Role
from doingoai.monitoring import digests
from doingoai.monitoring.models import Digest, DigestItem, Source
from doingoai.monitoring.pipeline.ingest import Incoming, ingest
from doingoai.plans import importer, imports, services
from doingoai.plans.models import ProgressUpdate

HP = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2025, 3, 13, 7, 0, tzinfo=HP)  # the 07:00 run of 13/03/2025
DAY = NOW.date()

PORT_TEXT = ("Sáng 12/3, cảng cửa ngõ quốc tế Hải Phòng tại Lạch Huyện đón tàu container có sức chở 18.000 TEU, "
             "lớn nhất từ trước đến nay. Lãnh đạo thành phố Hải Phòng cho biết sẽ tiếp tục đầu tư hạ tầng cảng "
             "biển và dịch vụ logistics. Nhiều hãng tàu lớn đã đăng ký mở tuyến mới qua cảng trong năm nay.")
CAT_BA_TEXT = ("Hàng chục nghìn lượt du khách đã đến quần đảo Cát Bà, thành phố Hải Phòng trong dịp cuối tuần. "
               "Nhiều khách sạn kín phòng, các tour tham quan vịnh Lan Hạ được đặt trước nhiều ngày. "
               "Ngành du lịch Hải Phòng kỳ vọng đón thêm khách quốc tế.")
FIRE_TEXT = ("Một vụ cháy lớn bùng phát tại kho hàng ở quận Hải An, thành phố Hải Phòng khiến một người tử vong "
             "và nhiều người bị thương. Thiệt hại ban đầu ước tính hàng chục tỷ đồng. Lực lượng cứu hỏa mất "
             "nhiều giờ để khống chế đám cháy.")
FESTIVAL_TEXT = ("Thành phố Hải Phòng chuẩn bị khai mạc Lễ hội Hoa Phượng Đỏ với chương trình nghệ thuật và "
                 "pháo hoa tại quảng trường Nhà hát lớn. Lễ hội kỷ niệm ngày giải phóng thành phố.")
NIKKEI_TEXT = ("The northern Vietnamese city of Haiphong handled record container volumes at the Lach Huyen "
               "international gateway port. Japanese investors said they plan to expand factories in Haiphong "
               "industrial parks. The city expects strong export growth this year.")
OLD_TEXT = ("Thành phố Hải Phòng khởi công dự án đầu tư mở rộng khu công nghiệp tại Thủy Nguyên, thu hút "
            "nhiều doanh nghiệp sản xuất và logistics.")
OTHER_CITY_TEXT = ("Nông dân tỉnh An Giang được mùa lúa đông xuân, năng suất đạt hơn 7 tấn mỗi héc-ta, "
                   "giá bán ổn định.")

SCRIPT_TITLE = "Quần đảo Cát Bà kín phòng dịp cuối tuần <script>alert('x')</script>"


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, 3, day, hour, minute, tzinfo=HP)


@pytest.fixture
def sources(db):
    def source(name, kind, country, language):
        return Source.objects.create(name=name, kind=kind, country=country, language=language)

    return {
        "bhp": source("Báo Hải Phòng", Source.Kind.LOCAL, "VN", "vi"),
        "vne": source("VnExpress", Source.Kind.NATIONAL, "VN", "vi"),
        "tt": source("Tuổi Trẻ", Source.Kind.NATIONAL, "VN", "vi"),
        "tn": source("Thanh Niên", Source.Kind.NATIONAL, "VN", "vi"),
        "nikkei": source("Nikkei Asia", Source.Kind.FOREIGN, "JP", "en"),
    }


@pytest.fixture
def press(sources):
    """One day of press about the city, as the pipeline stores it."""
    ingest([
        Incoming("https://baohaiphong.vn/kinh-te/cang-lach-huyen-don-tau-lon-nhat.html",
                 "Cảng Lạch Huyện đón tàu container lớn nhất từ trước đến nay", PORT_TEXT, at(12, 8), source=sources["bhp"]),
        Incoming("https://vnexpress.net/cang-lach-huyen-don-tau-container-lon-nhat.html",
                 "Cảng Lạch Huyện đón tàu container lớn nhất từ trước đến nay", "Theo Báo Hải Phòng, " + PORT_TEXT,
                 at(12, 10, 30), source=sources["vne"]),
        Incoming("https://tuoitre.vn/cat-ba-kin-phong.html", SCRIPT_TITLE, CAT_BA_TEXT, at(12, 9), source=sources["tt"]),
        Incoming("https://thanhnien.vn/chay-kho-hang-hai-an.html", "Cháy lớn tại kho hàng ở Hải Phòng, một người tử vong",
                 FIRE_TEXT, at(12, 15), source=sources["tn"]),
        Incoming("https://baohaiphong.vn/van-hoa/le-hoi-hoa-phuong-do.html", "Hải Phòng sẵn sàng cho Lễ hội Hoa Phượng Đỏ",
                 FESTIVAL_TEXT, at(12, 20), source=sources["bhp"]),
        Incoming("https://asia.nikkei.com/haiphong-port-record-volumes", "Haiphong port attracts record container volumes",
                 NIKKEI_TEXT, at(12, 12), source=sources["nikkei"]),
        # outside the 24 hours, and not about the city
        Incoming("https://baohaiphong.vn/kinh-te/khoi-cong-kcn.html", "Hải Phòng khởi công mở rộng khu công nghiệp",
                 OLD_TEXT, at(12, 6, 59), source=sources["bhp"]),
        Incoming("https://tuoitre.vn/an-giang-duoc-mua.html", "An Giang được mùa lúa đông xuân", OTHER_CITY_TEXT,
                 at(12, 11), source=sources["tt"]),
    ])


@pytest.fixture
def people(make_person):
    return {
        "specialist": make_person(Role.CHUYEN_VIEN, "TTBCXB", username="chuyenvien"),
        "leader": make_person(Role.LANH_DAO, "BGD", username="lanhdao"),
        "admin": make_person(Role.QUAN_TRI, "VPS", username="quantri"),
    }


@pytest.fixture
def plan(units):
    """The 2025 plan, imported from its scanned text as staff import it."""
    parsed = importer.parse((seed.DATA_DIR / "plan-14-KH-STTTT-2025.ocr.txt").read_text(encoding="utf-8"),
                            imports.unit_refs())
    return services.save_parsed_plan(parsed, owner_unit=units["TTBCXB"])


def titles(digest, **filters):
    return list(digest.items.filter(**filters).order_by("section", "theme", "position").values_list("title", flat=True))


# --- compiling -------------------------------------------------------------------------------

def test_each_story_once_with_its_outlet_count_domestic_and_foreign_apart_grouped_by_theme(press):
    digest = digests.compile(DAY, NOW)

    assert digest.status == Digest.Status.DRAFT and digest.day == DAY
    assert digest.period_start == at(12, 7) and digest.period_end == NOW
    sections = digests.sections(digest)
    assert [s.name for s in sections] == ["Báo chí trong nước", "Báo chí nước ngoài"]
    domestic, foreign = sections
    assert [t.name for t in domestic.themes] == [
        "Kinh tế - đầu tư", "Du lịch", "Sự kiện chính trị, ngày kỷ niệm, lễ hội", "Sự cố, tai nạn, thiên tai"]
    assert [t.name for t in foreign.themes] == ["Kinh tế - đầu tư"]

    port = domestic.themes[0].items
    assert len(port) == 1, "two outlets ran the same story: it is shown once"
    port = port[0]
    assert (port.outlet, port.outlet_count, port.article_count) == ("Báo Hải Phòng", 2, 2)
    assert port.published_at == at(12, 8) and port.url.startswith("https://baohaiphong.vn/")
    assert port.lead == ("Sáng 12/3, cảng cửa ngõ quốc tế Hải Phòng tại Lạch Huyện đón tàu container có sức chở "
                         "18.000 TEU, lớn nhất từ trước đến nay. Lãnh đạo thành phố Hải Phòng cho biết sẽ tiếp tục "
                         "đầu tư hạ tầng cảng biển và dịch vụ logistics.")
    assert port.meta == "Báo Hải Phòng, 08:00 ngày 12/03/2025; 2 cơ quan báo chí đăng (2 bài)"

    assert foreign.themes[0].items[0].outlet == "Nikkei Asia"
    fire = domestic.themes[3].items[0]
    assert fire.negative and not port.negative
    every_title = " ".join(titles(digest))
    assert "khởi công" not in every_title, "published before the 24 hours"
    assert "An Giang" not in every_title, "not about the city"
    assert "6 tin, bài" in digest.intro and "1 vấn đề có nội dung tiêu cực" in digest.intro


def test_the_lead_is_the_first_sentences_within_about_300_characters():
    assert digests.lead_of("TP. Hải Phòng đón 18.000 khách. Câu thứ hai. Câu thứ ba.") == (
        "TP. Hải Phòng đón 18.000 khách. Câu thứ hai.")
    long_sentence = "Hải Phòng " * 60 + "."
    lead = digests.lead_of(long_sentence)
    assert len(lead) <= 300 and lead.endswith("…")
    assert digests.lead_of("") == ""


def test_the_morning_job_prepares_the_draft_and_tells_monitoring_staff_once(press, people):
    digest_id = digests.prepare_daily(now=NOW)
    digests.prepare_daily(now=NOW)

    told = Notification.objects.filter(user=people["specialist"])
    assert told.count() == 1
    assert told.get().title == "Điểm báo ngày 13/03/2025 đã sẵn sàng để biên tập"
    assert told.get().url == reverse("monitoring_digest", args=[digest_id])
    assert not Notification.objects.filter(user=people["admin"]).exists()
    assert Digest.objects.count() == 1


def test_compiling_again_keeps_what_the_editor_changed_and_adds_new_stories(press, sources, people):
    digest = digests.compile(DAY, NOW)
    untouched = digests.compile(DAY, NOW)
    assert not digests.is_touched(untouched), "compiling alone is not editing"

    port = digest.items.get(outlet_count=2)
    digests.update_draft(digest.pk, people["specialist"], title=digest.title, intro="Lời dẫn của biên tập viên.",
                         items={port.pk: {"lead": "Tóm tắt do biên tập viên viết lại."}})
    ingest([Incoming("https://tuoitre.vn/bach-long-vi-dien-luoi.html", "Đảo Bạch Long Vĩ chuẩn bị đón điện lưới",
                     "Huyện đảo Bạch Long Vĩ của thành phố Hải Phòng chuẩn bị đón điện lưới quốc gia. "
                     "Ngư dân trên đảo phấn khởi.", at(13, 6), source=sources["tt"])])
    digest = digests.compile(DAY, NOW + datetime.timedelta(minutes=30))

    assert digest.intro == "Lời dẫn của biên tập viên."
    assert digest.items.get(pk=port.pk).lead == "Tóm tắt do biên tập viên viết lại."
    assert "Đảo Bạch Long Vĩ chuẩn bị đón điện lưới" in titles(digest)


def test_the_edit_page_keeps_everything_typed_when_a_field_is_wrong(press, people, signed_in):
    digest = digests.compile(DAY, NOW)
    client = signed_in(people["specialist"])
    data = formset_data(client, digest)
    data["diem-bao-title"] = ""
    data["tin-0-lead"] = "Một tóm tắt mới chưa được lưu."
    response = client.post(reverse("monitoring_digest_edit", args=[digest.pk]), data)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Tiêu đề điểm báo không được để trống." in body
    assert "Một tóm tắt mới chưa được lưu." in body
    assert not DigestItem.objects.filter(lead="Một tóm tắt mới chưa được lưu.").exists()


# --- editing and sending ---------------------------------------------------------------------

def formset_data(client, digest) -> dict:
    """The edit form as the browser would post it back unchanged."""
    form = client.get(reverse("monitoring_digest_edit", args=[digest.pk])).context["formset"]
    data = {"diem-bao-title": digest.title, "diem-bao-intro": digest.intro}
    data.update({f"tin-{key}": value for key, value in form.management_form.initial.items()})
    for i, item_form in enumerate(form.forms):
        item = item_form.instance
        data.update({f"tin-{i}-id": item.pk, f"tin-{i}-section": item.section, f"tin-{i}-theme": item.theme,
                     f"tin-{i}-position": item.position, f"tin-{i}-title": item.title, f"tin-{i}-lead": item.lead})
        if item.included:
            data[f"tin-{i}-included"] = "on"
        if item.negative:
            data[f"tin-{i}-negative"] = "on"
    return data


def index_of(data: dict, title_start: str) -> int:
    return next(int(k.split("-")[1]) for k, v in data.items() if k.endswith("-title") and k.startswith("tin-")
                and str(v).startswith(title_start))


def test_edited_in_the_browser_sent_once_as_docx_pdf_and_email_recorded_and_archived(
        press, people, plan, signed_in):
    client = signed_in(people["specialist"])
    response = client.post(reverse("monitoring_digest_compile"))  # "Soạn điểm báo hôm nay"
    today = Digest.objects.get(day=timezone.localdate())
    assert response.url == reverse("monitoring_digest", args=[today.pk])
    digest = digests.compile(DAY, NOW)  # the rest of the story: the digest of 13/03/2025

    # The editor drops the festival and rewrites the lead of the port story.
    data = formset_data(client, digest)
    festival, port = index_of(data, "Hải Phòng sẵn sàng"), index_of(data, "Cảng Lạch Huyện")
    del data[f"tin-{festival}-included"]
    data[f"tin-{port}-lead"] = "Cảng Lạch Huyện lập kỷ lục: tàu 18.000 TEU cập cảng."
    response = client.post(reverse("monitoring_digest_edit", args=[digest.pk]), data)
    assert response.status_code == 302

    page = client.get(reverse("monitoring_digest", args=[digest.pk])).content.decode()
    assert "Cảng Lạch Huyện lập kỷ lục" in page and "Hoa Phượng Đỏ" not in page.split("doingoai-digest")[1]
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert "[Tiêu cực]" in page

    response = client.post(reverse("monitoring_digest_send", args=[digest.pk]))
    digest.refresh_from_db()
    assert response.status_code == 302 and digest.status == Digest.Status.SENT
    assert digest.sent_by == people["specialist"] and digest.recipients_count == 2

    # The e-mail: plain text and HTML, both files attached, the press's text escaped.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["chuyenvien@doingoai.invalid", "lanhdao@doingoai.invalid"]
    assert "Điểm báo ngày 13/03/2025" in message.subject
    html = message.alternatives[0].content if hasattr(message.alternatives[0], "content") else message.alternatives[0][0]
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html and "<script>" not in html
    assert "[Tiêu cực]" in html and "Cảng Lạch Huyện lập kỷ lục" in html and "Hoa Phượng Đỏ" not in html
    assert "[Tiêu cực] Cháy lớn tại kho hàng" in message.body
    assert [name for name, _content, _kind in message.attachments] == [
        "diem-bao-2025-03-13.docx", "diem-bao-2025-03-13.pdf"]

    # The DOCX: the official header, the sections, the items as edited.
    document = docx.Document(io.BytesIO(digest.docx.read()))
    header = document.tables[0].cell(0, 0).text
    assert "UBND THÀNH PHỐ HẢI PHÒNG" in header and "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in header
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in document.tables[0].cell(0, 1).text
    assert document.tables[0].cell(1, 0).text.startswith("Số: 01/ĐB-STTTT")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ĐIỂM BÁO" in text and "I. BÁO CHÍ TRONG NƯỚC" in text and "II. BÁO CHÍ NƯỚC NGOÀI" in text
    assert "[Tiêu cực] Cháy lớn tại kho hàng ở Hải Phòng, một người tử vong" in text
    assert SCRIPT_TITLE in text and "Cảng Lạch Huyện lập kỷ lục" in text and "Hoa Phượng Đỏ" not in text
    assert digest.pdf.read(4) == b"%PDF"

    # Evidence on task 9 of the plan, linked to the digest.
    update = ProgressUpdate.objects.get(source="monitoring.digest")
    assert update.task.no == 9 and update.date == DAY
    assert update.text == "Đã gửi điểm báo ngày 13/03/2025 (4 tin)"
    assert update.links.get().url == reverse("monitoring_digest", args=[digest.pk])

    # A second click sends nothing, and a sent digest no longer changes.
    response = client.post(reverse("monitoring_digest_send", args=[digest.pk]), follow=True)
    assert "đã được gửi trước đó" in response.content.decode()
    assert digests.send(digest.pk, people["leader"].pk) is False
    assert len(mail.outbox) == 1 and ProgressUpdate.objects.filter(source="monitoring.digest").count() == 1
    assert client.get(reverse("monitoring_digest_edit", args=[digest.pk])).status_code == 302
    assert digests.compile(DAY, NOW).items.filter(included=True).count() == 4

    # The archive finds it typed without diacritics, and within dates.
    archive = reverse("monitoring_digests")
    found = client.get(archive, {"q": "diem bao cat ba"}).content.decode()
    assert f'data-digest="{digest.pk}"' in found
    assert f'data-digest="{digest.pk}"' not in client.get(archive, {"q": "hoa phuong do"}).content.decode()
    assert f'data-digest="{digest.pk}"' not in client.get(
        archive, {"q": "cat ba", "date_from": "14/03/2025"}).content.decode()
    downloaded = client.get(reverse("monitoring_digest_file", args=[digest.pk, "docx"]))
    assert downloaded.status_code == 200 and b"".join(downloaded.streaming_content)[:2] == b"PK"


def test_people_outside_monitoring_are_turned_away(press, people, signed_in, client):
    digest = digests.compile(DAY, NOW)
    urls = [reverse("monitoring_digests"), reverse("monitoring_digest", args=[digest.pk]),
            reverse("monitoring_digest_edit", args=[digest.pk]),
            reverse("monitoring_digest_file", args=[digest.pk, "pdf"])]
    admin = signed_in(people["admin"])  # a role, but none that reads the press
    for url in urls:
        response = admin.get(url)
        assert response.status_code == 403 and "Theo dõi báo chí dành cho" in response.content.decode()
    assert admin.post(reverse("monitoring_digest_send", args=[digest.pk])).status_code == 403
    client.logout()
    nobody = get_user_model().objects.create_user(username="khongvaitro", password="Mật-khẩu-Thử-2025")
    response = signed_in(nobody).get(urls[0])
    assert response.status_code == 302 and "login" in response.url, "without a role, not even the staff UI opens"
    assert Digest.objects.get().status == Digest.Status.DRAFT and not mail.outbox


def test_the_demo_gives_this_mornings_draft_from_the_sample(db):
    from doingoai.monitoring import demo

    demo.load_monitoring()  # the sample's dates moved: the newest article is an hour old
    digest = digests.demo_digest()

    assert digest.day == timezone.localdate() and digest.status == Digest.Status.DRAFT
    stories = list(digest.items.exclude(story=None).values_list("story", flat=True))
    assert stories and len(stories) == len(set(stories)), "each story once"
