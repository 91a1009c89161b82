"""A real OAI-PMH harvester (Sickle) against the running server: what a union catalogue or an
aggregator would see when it harvests the library."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.utils import timezone
from sickle import Sickle, oaiexceptions

from doingoai.core.models import Organisation
from doingoai.library import oai
from doingoai.library.models import Collection, Item

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Quần đảo Hoàng Sa trong tư liệu lịch sử"


@pytest.fixture
def library(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://thuvien.haiphong.gov.vn"
    settings.DOINGOAI_OAI_REPOSITORY_ID = "thuvien.haiphong.gov.vn"
    Organisation.objects.create(name="Sở Văn hóa, Thể thao và Du lịch thành phố Hải Phòng",
                                parent_name="Ủy ban nhân dân thành phố Hải Phòng", place="Hải Phòng")
    islands = Collection.objects.create(name="Hoàng Sa – Trường Sa", slug="hoang-sa-truong-sa",
                                        description="Tư liệu về hai quần đảo Hoàng Sa và Trường Sa.")
    Collection.objects.create(name="Lưu trữ nội bộ", slug="noi-bo", public=False)
    now = timezone.now()
    first = Item.objects.create(
        title=TITLE, creator="Viện Sử học\nNguyễn Nhã", subject="Hoàng Sa\nchâu bản triều Nguyễn",
        kind="book", date=dt.date(2014, 6, 2), live=True, access="public", first_published_at=now)
    first.collections.add(islands)
    Item.objects.bulk_create([
        Item(title=f"Đảo Bạch Long Vĩ – tư liệu số {n}", live=True, access="public", first_published_at=now)
        for n in range(1, 215)])
    removed = Item.objects.create(title="Bài viết sai sự thật về Trường Sa", live=True, access="public",
                                  first_published_at=now, removed_at=now)
    removed.collections.add(islands)
    Item.objects.create(title="Bản thảo chưa duyệt", live=False)
    Item.objects.create(title="Báo cáo nội bộ", live=True, access="internal")
    public = list(Item.objects.filter(live=True, access="public", removed_at=None).order_by("pk"))
    return {"first": first, "removed": removed, "public": public}


def test_a_harvester_collects_every_public_record_exactly_once(live_server, library):
    sickle = Sickle(live_server.url + "/oai")

    records = list(sickle.ListRecords(metadataPrefix="oai_dc", ignore_deleted=True))

    ids = [r.header.identifier for r in records]
    assert len(ids) == len(set(ids)) == 215
    assert set(ids) == {f"oai:thuvien.haiphong.gov.vn:library/{i.pk}" for i in library["public"]}
    first = next(r for r in records if r.header.identifier.endswith(f"/{library['first'].pk}"))
    assert first.metadata["title"] == [TITLE]
    assert unicodedata.is_normalized("NFC", first.metadata["title"][0])
    assert first.metadata["creator"] == ["Viện Sử học", "Nguyễn Nhã"]
    assert first.metadata["type"] == ["Text", "Sách"]
    assert first.metadata["date"] == ["2014-06-02"]
    assert f"https://thuvien.haiphong.gov.vn/thu-vien/tai-lieu/{library['first'].pk}/" in first.metadata["identifier"]
    assert first.header.setSpecs == ["hoang-sa-truong-sa"]


def test_a_harvester_reads_identify_sets_and_one_record(live_server, library):
    sickle = Sickle(live_server.url + "/oai")

    identify = sickle.Identify()
    sets = list(sickle.ListSets())
    formats = list(sickle.ListMetadataFormats())
    record = sickle.GetRecord(identifier=oai.identifier_of(library["first"]), metadataPrefix="oai_dc")

    assert identify.repositoryName == (
        "Thư viện điện tử biển, đảo – Sở Văn hóa, Thể thao và Du lịch thành phố Hải Phòng")
    assert identify.baseURL == live_server.url + "/oai"
    assert identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert [(s.setSpec, s.setName) for s in sets] == [("hoang-sa-truong-sa", "Hoàng Sa – Trường Sa")]
    assert [f.metadataPrefix for f in formats] == ["oai_dc"]
    assert record.metadata["title"] == [TITLE]
    assert record.metadata["subject"] == ["Hoàng Sa", "châu bản triều Nguyễn"]


def test_a_harvester_sees_the_removed_item_as_deleted(live_server, library):
    sickle = Sickle(live_server.url + "/oai")

    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=False))
    in_set = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="hoang-sa-truong-sa"))
    record = sickle.GetRecord(identifier=oai.identifier_of(library["removed"]), metadataPrefix="oai_dc")

    deleted = [h.identifier for h in headers if h.deleted]
    assert deleted == [oai.identifier_of(library["removed"])]
    assert len(headers) == 216
    assert {(h.identifier, h.deleted) for h in in_set} == {
        (oai.identifier_of(library["first"]), False), (oai.identifier_of(library["removed"]), True)}
    assert record.header.deleted


def test_a_harvester_gets_the_protocol_errors(live_server, library):
    sickle = Sickle(live_server.url + "/oai")
    tomorrow = (timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%d")

    with pytest.raises(oaiexceptions.IdDoesNotExist):
        sickle.GetRecord(identifier="oai:thuvien.haiphong.gov.vn:library/999999", metadataPrefix="oai_dc")
    with pytest.raises(oaiexceptions.NoRecordsMatch):
        sickle.ListRecords(metadataPrefix="oai_dc", **{"from": tomorrow})
    with pytest.raises(oaiexceptions.BadArgument):
        sickle.ListRecords(metadataPrefix="oai_dc", **{"from": "2025-01-01", "until": "2025-02-01T00:00:00Z"})
    with pytest.raises(oaiexceptions.CannotDisseminateFormat):
        sickle.ListRecords(metadataPrefix="marc21")
    with pytest.raises(oaiexceptions.BadResumptionToken):
        sickle.ListRecords(resumptionToken="giả-mạo")


def test_a_harvester_may_post(live_server, library):
    sickle = Sickle(live_server.url + "/oai", http_method="POST")

    records = list(sickle.ListRecords(metadataPrefix="oai_dc", set="hoang-sa-truong-sa", ignore_deleted=True))

    assert [r.metadata["title"] for r in records] == [[TITLE]]
