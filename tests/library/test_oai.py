"""OAI-PMH 2.0 at /oai: the six verbs, the protocol's errors, selective harvesting by date and
set, deleted records, and paging with resumption tokens."""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import urlencode

import pytest
from django.core import signing
from django.utils import timezone
from lxml import etree

from doingoai.core.models import Organisation
from doingoai.library import oai
from doingoai.library.access import public_items
from doingoai.library.models import Collection, Item

pytestmark = pytest.mark.django_db

NS = {"o": oai.OAI_NS, "oai_dc": oai.OAI_DC_NS, "dc": oai.DC_NS, "xsi": oai.XSI_NS,
      "id": oai.OAI_ID_NS}
BASE = "http://testserver/oai"
UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def publish(title: str, modified: str | None = None, **fields) -> Item:
    """A published public item (unless ``fields`` say otherwise), changed last at ``modified``."""
    collections = fields.pop("collections", [])
    defaults = {"live": True, "access": "public", "first_published_at": timezone.now()}
    item = Item.objects.create(title=title, **{**defaults, **fields})
    item.collections.set(collections)
    if modified:
        Item.objects.filter(pk=item.pk).update(modified_at=at(modified))
    item.refresh_from_db()
    return item


def ask(client, query: str | dict, method: str = "get") -> etree._Element:
    if isinstance(query, dict):
        query = urlencode(query)
    if method == "get":
        response = client.get("/oai?" + query)
    else:
        response = client.post("/oai", query, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return etree.fromstring(response.content)


def errors(root) -> list[str]:
    return [e.get("code") for e in root.findall("o:error", NS)]


def request_of(root) -> tuple[dict, str]:
    element = root.find("o:request", NS)
    return dict(element.attrib), element.text


def identifiers(root) -> list[str]:
    return [e.text for e in root.xpath("//o:header/o:identifier", namespaces=NS)]


def oai_id(item: Item) -> str:
    return f"oai:localhost:library/{item.pk}"


@pytest.fixture(autouse=True)
def repository(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://localhost:8000"
    settings.DEFAULT_FROM_EMAIL = "Thư viện điện tử <thuvien@haiphong.gov.vn>"


# --- The envelope, Identify -----------------------------------------------------------------

def test_identify_describes_the_repository(client):
    Organisation.objects.create(name="Sở Văn hóa, Thể thao và Du lịch thành phố Hải Phòng",
                                parent_name="Ủy ban nhân dân thành phố Hải Phòng", place="Hải Phòng")
    publish("Quần đảo Hoàng Sa trong tư liệu lịch sử", "2024-03-05T08:09:10")
    publish("Đảo Bạch Long Vĩ", "2025-01-01T00:00:00")

    root = ask(client, "verb=Identify")

    assert root.tag == f"{{{oai.OAI_NS}}}OAI-PMH"
    assert root.get(f"{{{oai.XSI_NS}}}schemaLocation") == (
        "http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    moment = dt.datetime.strptime(root.findtext("o:responseDate", namespaces=NS), "%Y-%m-%dT%H:%M:%SZ")
    assert abs(moment.replace(tzinfo=UTC) - timezone.now()) < dt.timedelta(minutes=1)
    assert request_of(root) == ({"verb": "Identify"}, BASE)
    identify = {child.tag.split("}")[1]: child.text for child in root.find("o:Identify", NS)}
    assert identify == {
        "repositoryName": "Thư viện điện tử biển, đảo – Sở Văn hóa, Thể thao và Du lịch thành phố Hải Phòng",
        "baseURL": BASE,
        "protocolVersion": "2.0",
        "adminEmail": "thuvien@haiphong.gov.vn",
        "earliestDatestamp": "2024-03-05T08:09:10Z",
        "deletedRecord": "persistent",
        "granularity": "YYYY-MM-DDThh:mm:ssZ",
    }
    assert errors(root) == []


def test_identify_names_the_identifier_scheme_when_the_repository_has_a_domain_name(client, settings):
    settings.DOINGOAI_OAI_REPOSITORY_ID = "thuvien.haiphong.gov.vn"

    root = ask(client, "verb=Identify")

    description = root.find("o:Identify/o:description/id:oai-identifier", NS)
    assert description.findtext("id:repositoryIdentifier", namespaces=NS) == "thuvien.haiphong.gov.vn"
    assert description.findtext("id:delimiter", namespaces=NS) == ":"
    assert description.findtext("id:sampleIdentifier", namespaces=NS) == "oai:thuvien.haiphong.gov.vn:library/1"


def test_post_is_answered_like_get(client):
    item = publish("Quần đảo Trường Sa")

    root = ask(client, {"verb": "GetRecord", "identifier": oai_id(item), "metadataPrefix": "oai_dc"},
               method="post")

    assert errors(root) == []
    assert root.findtext("o:GetRecord/o:record/o:metadata/oai_dc:dc/dc:title", namespaces=NS) == "Quần đảo Trường Sa"


# --- Errors of the request ------------------------------------------------------------------

@pytest.mark.parametrize("query", ["", "verb=Harvest", "verb=Identify&verb=Identify", "verb=identify"])
def test_a_missing_unknown_or_repeated_verb_is_bad_verb_and_the_request_is_not_echoed(client, query):
    root = ask(client, query)

    assert errors(root) == ["badVerb"]
    assert request_of(root) == ({}, BASE)
    assert root.find("o:Identify", NS) is None


@pytest.mark.parametrize("query", [
    "verb=Identify&metadataPrefix=oai_dc",
    "verb=ListRecords",
    "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc",
    "verb=ListRecords&metadataPrefix=oai_dc&identifier=oai:localhost:library/1",
    "verb=ListIdentifiers&metadataPrefix=oai_dc&from=",
    "verb=GetRecord&metadataPrefix=oai_dc",
    "verb=GetRecord&identifier=oai:localhost:library/1",
    "verb=ListSets&set=hoang-sa",
    "verb=ListMetadataFormats&identifier=a&identifier=b",
    "verb=ListRecords&resumptionToken=abc&metadataPrefix=oai_dc",
    "verb=ListIdentifiers&metadataPrefix=oai_dc&from=2025-02-30",
    "verb=ListIdentifiers&metadataPrefix=oai_dc&from=2025-01-01T10:00Z",
    "verb=ListIdentifiers&metadataPrefix=oai_dc&until=01/02/2025",
    "verb=ListIdentifiers&metadataPrefix=oai_dc&from=2025-01-01&until=2025-01-02T00:00:00Z",
    "verb=ListRecords&metadataPrefix=oai_dc&from=2025-01-02&until=2025-01-01",
    "verb=ListRecords&metadataPrefix=oai_dc&from=2025-01-01T10:00:01Z&until=2025-01-01T10:00:00Z",
])
def test_unknown_repeated_missing_or_malformed_arguments_are_bad_arguments(client, query):
    publish("Đảo Cô Tô", "2025-01-01T10:00:00")

    root = ask(client, query)

    assert errors(root) == ["badArgument"]
    assert request_of(root) == ({}, BASE)
    assert root.find("o:ListRecords", NS) is None and root.find("o:ListIdentifiers", NS) is None


def test_an_error_message_is_vietnamese(client):
    root = ask(client, "verb=ListRecords&metadataPrefix=oai_dc&from=2025-02-30")

    assert "không phải ngày hợp lệ" in root.findtext("o:error", namespaces=NS)


# --- ListMetadataFormats, ListSets ----------------------------------------------------------

def test_list_metadata_formats_offers_oai_dc(client):
    item = publish("Đảo Cát Bà")

    for query in ("verb=ListMetadataFormats", f"verb=ListMetadataFormats&identifier={oai_id(item)}"):
        root = ask(client, query)
        formats = root.findall("o:ListMetadataFormats/o:metadataFormat", NS)
        assert [(f.findtext("o:metadataPrefix", namespaces=NS), f.findtext("o:schema", namespaces=NS),
                 f.findtext("o:metadataNamespace", namespaces=NS)) for f in formats] == [
            ("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", "http://www.openarchives.org/OAI/2.0/oai_dc/")]


def test_list_metadata_formats_of_an_unknown_or_unpublished_item_is_id_does_not_exist(client):
    draft = Item.objects.create(title="Bản thảo chưa xuất bản", live=False)

    for identifier in ("oai:localhost:library/999999", oai_id(draft), f"oai:example.org:library/{draft.pk}",
                       "hoang-sa"):
        root = ask(client, {"verb": "ListMetadataFormats", "identifier": identifier})
        assert errors(root) == ["idDoesNotExist"]
        assert request_of(root) == ({"verb": "ListMetadataFormats", "identifier": identifier}, BASE)


def test_list_sets_gives_the_public_collections(client):
    Collection.objects.create(name="Hoàng Sa – Trường Sa", name_en="Paracels and Spratlys", slug="hoang-sa-truong-sa",
                              description="Tư liệu về hai quần đảo.", order=1)
    Collection.objects.create(name="Bạch Long Vĩ", slug="bach-long-vi", order=2)
    Collection.objects.create(name="Lưu trữ nội bộ", slug="noi-bo", public=False, order=0)

    root = ask(client, "verb=ListSets")

    sets = root.findall("o:ListSets/o:set", NS)
    assert [(s.findtext("o:setSpec", namespaces=NS), s.findtext("o:setName", namespaces=NS)) for s in sets] == [
        ("hoang-sa-truong-sa", "Hoàng Sa – Trường Sa"), ("bach-long-vi", "Bạch Long Vĩ")]
    dc = sets[0].find("o:setDescription/oai_dc:dc", NS)
    assert dc.findtext("dc:description", namespaces=NS) == "Tư liệu về hai quần đảo."
    assert [(t.text, t.get("{http://www.w3.org/XML/1998/namespace}lang")) for t in dc.findall("dc:title", NS)] == [
        ("Hoàng Sa – Trường Sa", "vi"), ("Paracels and Spratlys", "en")]
    assert sets[1].find("o:setDescription", NS) is None


def test_without_public_collections_list_sets_is_no_set_hierarchy(client):
    Collection.objects.create(name="Lưu trữ nội bộ", slug="noi-bo", public=False)

    assert errors(ask(client, "verb=ListSets")) == ["noSetHierarchy"]
    assert errors(ask(client, "verb=ListSets&resumptionToken=abc")) == ["badResumptionToken"]


# --- GetRecord -------------------------------------------------------------------------------

def test_get_record_gives_the_header_and_the_dublin_core(client):
    islands = Collection.objects.create(name="Hoàng Sa – Trường Sa", slug="hoang-sa-truong-sa")
    hidden = Collection.objects.create(name="Lưu trữ nội bộ", slug="noi-bo", public=False)
    item = publish("Quần đảo Hoàng Sa trong tư liệu lịch sử", "2025-04-30T01:02:03",
                   creator="Viện Sử học\nNguyễn Văn Thử", kind="book", date=dt.date(2014, 6, 2),
                   collections=[islands, hidden])

    root = ask(client, {"verb": "GetRecord", "identifier": oai_id(item), "metadataPrefix": "oai_dc"})

    assert errors(root) == []
    assert request_of(root) == ({"verb": "GetRecord", "identifier": oai_id(item), "metadataPrefix": "oai_dc"}, BASE)
    record = root.find("o:GetRecord/o:record", NS)
    header = record.find("o:header", NS)
    assert header.get("status") is None
    assert header.findtext("o:identifier", namespaces=NS) == oai_id(item)
    assert header.findtext("o:datestamp", namespaces=NS) == "2025-04-30T01:02:03Z"
    assert [s.text for s in header.findall("o:setSpec", NS)] == ["hoang-sa-truong-sa"]
    dc = record.find("o:metadata/oai_dc:dc", NS)
    assert dc.get(f"{{{oai.XSI_NS}}}schemaLocation") == (
        "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    assert [(etree.QName(e).namespace, etree.QName(e).localname, e.text) for e in dc] == [
        (oai.DC_NS, "title", "Quần đảo Hoàng Sa trong tư liệu lịch sử"),
        (oai.DC_NS, "creator", "Viện Sử học"),
        (oai.DC_NS, "creator", "Nguyễn Văn Thử"),
        (oai.DC_NS, "date", "2014-06-02"),
        (oai.DC_NS, "type", "Text"),
        (oai.DC_NS, "type", "Sách"),
        (oai.DC_NS, "identifier", f"http://localhost:8000/thu-vien/tai-lieu/{item.pk}/"),
        (oai.DC_NS, "language", "vi"),
    ]


def test_get_record_errors_are_id_does_not_exist_and_cannot_disseminate_format(client):
    item = publish("Đảo Cát Bà")
    internal = publish("Báo cáo nội bộ về biển đảo", access="internal", first_published_at=None)

    def codes(identifier, prefix):
        root = ask(client, {"verb": "GetRecord", "identifier": identifier, "metadataPrefix": prefix})
        assert request_of(root)[0] == {"verb": "GetRecord", "identifier": identifier, "metadataPrefix": prefix}
        assert root.find("o:GetRecord", NS) is None
        return errors(root)

    assert codes(oai_id(item), "marc21") == ["cannotDisseminateFormat"]
    assert codes(oai_id(internal), "oai_dc") == ["idDoesNotExist"]
    assert codes("oai:localhost:library/0", "oai_dc") == ["idDoesNotExist"]
    assert codes("oai:localhost:library/99999999999999999999999", "oai_dc") == ["idDoesNotExist"]
    assert codes("oai:localhost:library/999999", "mods") == ["idDoesNotExist", "cannotDisseminateFormat"]


def test_characters_xml_cannot_carry_are_dropped_not_fatal(client):
    item = publish("Đảo\x0b Cô Tô\x00")

    root = ask(client, {"verb": "GetRecord", "identifier": oai_id(item), "metadataPrefix": "oai_dc"})

    assert root.findtext("o:GetRecord/o:record/o:metadata/oai_dc:dc/dc:title", namespaces=NS) == "Đảo Cô Tô"


# --- Which items, deleted records -----------------------------------------------------------

def test_drafts_internal_and_restricted_items_never_appear(client):
    public = publish("Quần đảo Hoàng Sa trong tư liệu lịch sử")
    Item.objects.create(title="Bản thảo chưa duyệt", live=False)
    publish("Báo cáo nội bộ", access="internal", first_published_at=None)
    publish("Tài liệu mật", access="restricted", first_published_at=None)
    publish("Bản thảo đã gỡ trước khi xuất bản", live=False, first_published_at=None,
            removed_at=timezone.now())

    for verb in ("ListRecords", "ListIdentifiers"):
        root = ask(client, {"verb": verb, "metadataPrefix": "oai_dc"})
        assert identifiers(root) == [oai_id(public)] == [oai_id(i) for i in public_items()]


def test_a_removed_item_becomes_a_deleted_record_for_ever(client):
    kept = publish("Đảo Cát Bà", "2025-01-01T00:00:00")
    removed = publish("Bài viết sai sự thật về Hoàng Sa", "2025-01-02T00:00:00")
    Item.objects.filter(pk=removed.pk).update(removed_at=at("2025-06-01T09:30:00"),
                                              modified_at=at("2025-06-01T09:30:01"))

    root = ask(client, "verb=ListRecords&metadataPrefix=oai_dc")

    records = root.findall("o:ListRecords/o:record", NS)
    assert identifiers(root) == [oai_id(kept), oai_id(removed)]
    deleted = records[1]
    assert deleted.find("o:header", NS).get("status") == "deleted"
    assert deleted.findtext("o:header/o:datestamp", namespaces=NS) == "2025-06-01T09:30:00Z"
    assert deleted.find("o:metadata", NS) is None
    assert records[0].find("o:header", NS).get("status") is None

    got = ask(client, {"verb": "GetRecord", "identifier": oai_id(removed), "metadataPrefix": "oai_dc"})
    assert got.find("o:GetRecord/o:record/o:header", NS).get("status") == "deleted"
    assert got.find("o:GetRecord/o:record/o:metadata", NS) is None
    since = ask(client, "verb=ListIdentifiers&metadataPrefix=oai_dc&from=2025-06-01")
    assert identifiers(since) == [oai_id(removed)]


def test_an_item_no_longer_public_after_publication_is_a_deleted_record(client):
    internal = publish("Bản đồ đảo Bạch Long Vĩ")
    unpublished = publish("Ảnh đảo Cô Tô")
    Item.objects.filter(pk=internal.pk).update(access="internal")
    Item.objects.filter(pk=unpublished.pk).update(live=False)

    root = ask(client, "verb=ListIdentifiers&metadataPrefix=oai_dc")

    headers = root.findall("o:ListIdentifiers/o:header", NS)
    assert sorted((h.findtext("o:identifier", namespaces=NS), h.get("status")) for h in headers) == sorted(
        [(oai_id(internal), "deleted"), (oai_id(unpublished), "deleted")])


# --- Selective harvesting -------------------------------------------------------------------

@pytest.mark.parametrize(("window", "expected"), [
    ("from=2025-03-02", ["b", "c", "d"]),
    ("until=2025-03-02", ["a", "b", "c"]),
    ("from=2025-03-02&until=2025-03-02", ["b", "c"]),
    ("from=2025-03-02T10:00:00Z", ["b", "c", "d"]),
    ("from=2025-03-02T10:00:01Z", ["c", "d"]),
    ("until=2025-03-02T10:00:00Z", ["a", "b"]),
    ("from=2025-03-02T10:00:00Z&until=2025-03-02T10:00:00Z", ["b"]),
    ("from=2025-03-02T23:59:59Z&until=2025-03-02T23:59:59Z", ["c"]),
    ("from=2025-03-02T23:59:59Z&until=2025-03-03T00:00:00Z", ["c", "d"]),
])
def test_from_and_until_select_by_datestamp_in_both_granularities_and_are_inclusive(client, window, expected):
    items = {
        "a": publish("Tư liệu a", "2025-03-01T23:59:59"),
        "b": publish("Tư liệu b", "2025-03-02T10:00:00.600000"),
        "c": publish("Tư liệu c", "2025-03-02T23:59:59.999000"),
        "d": publish("Tư liệu d", "2025-03-03T00:00:00"),
    }

    root = ask(client, f"verb=ListIdentifiers&metadataPrefix=oai_dc&{window}")

    assert identifiers(root) == [oai_id(items[k]) for k in expected]
    assert request_of(root)[0] == {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc",
                                   **dict(p.split("=") for p in window.split("&"))}


def test_an_empty_window_is_no_records_match(client):
    publish("Tư liệu a", "2025-03-01T10:00:00")

    root = ask(client, "verb=ListRecords&metadataPrefix=oai_dc&from=2025-04-01")

    assert errors(root) == ["noRecordsMatch"]
    assert request_of(root) == ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-04-01"}, BASE)


def test_an_unknown_prefix_in_a_list_is_cannot_disseminate_format(client):
    publish("Tư liệu a")

    assert errors(ask(client, "verb=ListRecords&metadataPrefix=marc21")) == ["cannotDisseminateFormat"]


def test_set_selects_the_items_of_a_public_collection(client):
    islands = Collection.objects.create(name="Hoàng Sa – Trường Sa", slug="hoang-sa-truong-sa")
    bach_long_vi = Collection.objects.create(name="Bạch Long Vĩ", slug="bach-long-vi")
    hidden = Collection.objects.create(name="Lưu trữ nội bộ", slug="noi-bo", public=False)
    one = publish("Châu bản triều Nguyễn", "2025-01-01T00:00:00", collections=[islands])
    two = publish("Bản đồ hai quần đảo", "2025-01-02T00:00:00", collections=[islands, bach_long_vi])
    publish("Đảo Bạch Long Vĩ", "2025-01-03T00:00:00", collections=[bach_long_vi, hidden])
    gone = publish("Bài đã gỡ", "2025-01-04T00:00:00", collections=[islands])
    Item.objects.filter(pk=gone.pk).update(removed_at=at("2025-01-05T00:00:00"))

    root = ask(client, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=hoang-sa-truong-sa")

    assert identifiers(root) == [oai_id(one), oai_id(two), oai_id(gone)]
    assert [s.text for s in root.findall("o:ListIdentifiers/o:header[2]/o:setSpec", NS)] == [
        "bach-long-vi", "hoang-sa-truong-sa"]
    assert errors(ask(client, "verb=ListRecords&metadataPrefix=oai_dc&set=noi-bo")) == ["noRecordsMatch"]
    assert errors(ask(client, "verb=ListRecords&metadataPrefix=oai_dc&set=khong-co")) == ["noRecordsMatch"]


def test_set_without_public_collections_is_no_set_hierarchy(client):
    publish("Tư liệu a")

    assert errors(ask(client, "verb=ListRecords&metadataPrefix=oai_dc&set=hoang-sa")) == ["noSetHierarchy"]


# --- Paging ----------------------------------------------------------------------------------

def many(count: int, start: str = "2025-01-01T00:00:00") -> list[Item]:
    """``count`` published items; every two share a datestamp (ties are broken by pk)."""
    now = timezone.now()
    Item.objects.bulk_create([
        Item(title=f"Tư liệu biển, đảo số {n}", live=True, access="public", first_published_at=now)
        for n in range(count)])
    items = list(Item.objects.order_by("pk"))
    for n, item in enumerate(items):
        Item.objects.filter(pk=item.pk).update(modified_at=at(start) + dt.timedelta(seconds=n // 2))
    return items


def harvest(client, first: str) -> tuple[list[str], list[etree._Element]]:
    """Follow resumption tokens from ``first``: every identifier, and every resumptionToken."""
    seen, tokens, query = [], [], first
    verb = dict(p.split("=", 1) for p in first.split("&"))["verb"]
    while True:
        root = ask(client, query)
        assert errors(root) == []
        seen += identifiers(root)
        token = root.find(f"o:{verb}/o:resumptionToken", NS)
        if token is None:
            return seen, tokens
        tokens.append(token)
        if not token.text:
            return seen, tokens
        query = urlencode({"verb": verb, "resumptionToken": token.text})


def test_a_long_list_comes_in_pages_with_resumption_tokens(client):
    items = many(250)

    seen, tokens = harvest(client, "verb=ListIdentifiers&metadataPrefix=oai_dc")

    assert seen == [oai_id(i) for i in items]
    assert [(t.get("cursor"), t.get("completeListSize"), bool(t.text)) for t in tokens] == [
        ("0", "250", True), ("100", "250", True), ("200", "250", False)]
    assert tokens[0].get("expirationDate") > timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")


def test_records_pages_keep_the_window_and_the_set(client):
    islands = Collection.objects.create(name="Hoàng Sa – Trường Sa", slug="hoang-sa-truong-sa")
    items = many(240)
    chosen = items[10:230:2]
    for item in chosen:
        item.collections.add(islands)
    window = "from=2025-01-01T00:00:05Z&until=2025-01-01T00:01:50Z"  # items 10 to 221

    seen, tokens = harvest(client, f"verb=ListRecords&metadataPrefix=oai_dc&set=hoang-sa-truong-sa&{window}")

    assert seen == [oai_id(i) for i in items[10:222:2]]
    assert [(t.get("cursor"), t.get("completeListSize")) for t in tokens] == [("0", "106"), ("100", "106")]


def test_a_list_that_fits_one_page_has_no_resumption_token(client):
    many(3)

    root = ask(client, "verb=ListRecords&metadataPrefix=oai_dc")

    assert len(root.findall("o:ListRecords/o:record", NS)) == 3
    assert root.find("o:ListRecords/o:resumptionToken", NS) is None


def test_an_item_changed_during_a_harvest_is_sent_again_and_nothing_is_skipped(client):
    items = many(150)
    root = ask(client, "verb=ListIdentifiers&metadataPrefix=oai_dc")
    first_page = identifiers(root)
    token = root.findtext("o:ListIdentifiers/o:resumptionToken", namespaces=NS)
    Item.objects.filter(pk__in=[items[5].pk, items[120].pk]).update(modified_at=timezone.now())

    rest = identifiers(ask(client, {"verb": "ListIdentifiers", "resumptionToken": token}))

    assert set(first_page + rest) == {oai_id(i) for i in items}
    assert rest[-2:] == [oai_id(items[5]), oai_id(items[120])]


def test_a_tampered_garbled_expired_or_foreign_token_is_bad_resumption_token(client):
    many(120)
    root = ask(client, "verb=ListRecords&metadataPrefix=oai_dc")
    token = root.findtext("o:ListRecords/o:resumptionToken", namespaces=NS)
    assert errors(ask(client, {"verb": "ListRecords", "resumptionToken": token})) == []
    state = signing.loads(token, salt=oai.TOKEN_SALT)

    class Old(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - oai.TOKEN_MAX_AGE.total_seconds()) - 60)

    forged = signing.dumps({**state, "k": 1}, salt="another salt", compress=True)
    expired = Old(salt=oai.TOKEN_SALT).sign_object(state, compress=True)
    for bad in (token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"), "rác", forged, expired,
                signing.dumps({**state, "d": "hôm qua"}, salt=oai.TOKEN_SALT)):
        root = ask(client, {"verb": "ListRecords", "resumptionToken": bad})
        assert errors(root) == ["badResumptionToken"]
        assert request_of(root) == ({"verb": "ListRecords", "resumptionToken": bad}, BASE)
    assert errors(ask(client, {"verb": "ListIdentifiers", "resumptionToken": token})) == ["badResumptionToken"]
