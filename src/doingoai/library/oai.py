"""OAI-PMH 2.0 for the library (https://www.openarchives.org/OAI/openarchivesprotocol.html).

``handle(params, base_url)`` answers one protocol request (its arguments as (key, value)
pairs, as they came, repeated keys included) with the XML of the response; the view at
``/oai`` only passes GET or POST arguments in and the bytes out.

What the repository holds:

* a **record** for every item anyone may see (live, public, not removed: the same rule as
  ``access.public_items``), with its ``oai_dc`` description (``dublin_core.elements``);
* a **deleted record** (header ``status="deleted"``, no metadata) for every item that was
  published once (``first_published_at`` set) and is no longer public: removed (a tombstone),
  unpublished, or made internal or restricted. Harvesters that copied it are told to drop it;
  nothing of it is shown but its identifier, its datestamp and its public collections.
  Deleted records are kept forever (``deletedRecord`` = ``persistent``). An item published
  while internal from the start also shows as a deleted record (its number only): we cannot
  tell from the row whether it was ever public, and telling a harvester to drop a copy it
  never had is harmless, while keeping a copy of something no longer public is not.

Drafts never published, and internal or restricted items never published, never appear.

The datestamp of a record is ``modified_at`` (UTC, to the second); of a deleted record
``removed_at`` if set, else ``modified_at``. Identifiers are ``oai:<repository>:library/<pk>``
where ``<repository>`` is ``settings.DOINGOAI_OAI_REPOSITORY_ID`` if set, else the host name of
``settings.WAGTAILADMIN_BASE_URL`` (e.g. ``oai:thuvien.example.gov.vn:library/123``). Set it
once for good: identifiers must not change when the site moves.

Sets are the public collections (``setSpec`` = the collection's slug). Lists come ``PAGE_SIZE``
at a time; the resumption token is stateless and signed (``django.core.signing``): it carries
the request's arguments and the (datestamp, pk) of the last item sent, and the next page
starts after that item (keyset, not OFFSET: an item changed during a harvest moves to the end
and is sent again, nothing is skipped). A forged, garbled or expired token is a
``badResumptionToken``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db.models import BooleanField, Case, Min, Prefetch, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from doingoai.core.models import Organisation

from . import dublin_core
from .models import Access, Collection, Item

__all__ = [
    "OAIError", "PAGE_SIZE", "handle", "identifier_of", "item_id", "repository_id",
    "repository_items", "set_specs",
]

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_ID_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_ID_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

PAGE_SIZE = 100
TOKEN_MAX_AGE = dt.timedelta(days=3)
TOKEN_SALT = "doingoai.library.oai.resumption"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
FORMATS = {"oai_dc": (OAI_DC_SCHEMA, OAI_DC_NS)}
LOCAL_PREFIX = "library/"

# The same rule as ``access.public_items()``: what anyone may see is a record.
RECORD = Q(live=True, access=Access.PUBLIC, removed_at__isnull=True)


@dataclass(frozen=True)
class Verb:
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    exclusive: bool = False  # takes a resumptionToken (then no other argument)


VERBS = {
    "Identify": Verb(),
    "ListMetadataFormats": Verb(optional=("identifier",)),
    "ListSets": Verb(exclusive=True),
    "GetRecord": Verb(required=("identifier", "metadataPrefix")),
    "ListIdentifiers": Verb(required=("metadataPrefix",), optional=("from", "until", "set"), exclusive=True),
    "ListRecords": Verb(required=("metadataPrefix",), optional=("from", "until", "set"), exclusive=True),
}

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_DOMAIN = re.compile(r"^[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+$")


class OAIError(Exception):
    """One or more protocol errors: [(code, message)], e.g. ("idDoesNotExist", "…")."""

    def __init__(self, code: str, message: str, *more: tuple[str, str]):
        self.errors = [(code, message), *more]
        super().__init__(message)


# --- The repository --------------------------------------------------------------------------

def repository_id() -> str:
    configured = getattr(settings, "DOINGOAI_OAI_REPOSITORY_ID", "")
    return configured or urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"


def identifier_of(item: Item | int) -> str:
    pk = item if isinstance(item, int) else item.pk
    return f"oai:{repository_id()}:{LOCAL_PREFIX}{pk}"


def item_id(identifier: str) -> int | None:
    """The pk an OAI identifier of this repository names, or None."""
    prefix = f"oai:{repository_id()}:{LOCAL_PREFIX}"
    if not identifier.startswith(prefix):
        return None
    number = identifier[len(prefix):]
    if not re.fullmatch(r"[1-9][0-9]{0,17}", number):
        return None
    return int(number)


def repository_items():
    """Every item the repository speaks of (records and deleted records), annotated with
    ``oai_datestamp`` and ``oai_deleted``, with ``oai_sets`` (its public collections)."""
    return (
        Item.objects.filter(RECORD | Q(first_published_at__isnull=False))
        .annotate(
            oai_datestamp=Coalesce("removed_at", "modified_at"),
            oai_deleted=Case(When(RECORD, then=Value(False)), default=Value(True), output_field=BooleanField()),
        )
        .prefetch_related(Prefetch("collections", queryset=public_sets().order_by("slug"), to_attr="oai_sets"))
    )


def public_sets():
    return Collection.objects.filter(public=True)


def set_specs(item: Item) -> list[str]:
    sets = getattr(item, "oai_sets", None)
    if sets is None:
        sets = list(item.collections.filter(public=True).order_by("slug"))
    return [c.slug for c in sets]


def repository_name() -> str:
    name = _("Thư viện điện tử biển, đảo")
    org = Organisation.on()
    return f"{name} – {org.name}" if org else name


# --- Dates -----------------------------------------------------------------------------------

def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_date(value: str, name: str, end: bool) -> tuple[dt.datetime, str]:
    """The instant an argument names and its granularity ("day" or "second"): ``until`` is
    inclusive, so its instant is the last microsecond of its day or second."""
    try:
        if _DAY.match(value):
            day = dt.date.fromisoformat(value)
            moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min, tzinfo=dt.UTC)
            return moment, "day"
        if _SECOND.match(value):
            moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
            return (moment.replace(microsecond=999999) if end else moment), "second"
    except ValueError:
        pass
    raise OAIError("badArgument", _("Giá trị của tham số %(name)s không phải ngày hợp lệ "
                                    "(YYYY-MM-DD hoặc YYYY-MM-DDThh:mm:ssZ): %(value)s")
                   % {"name": name, "value": value})


def _window(since: str | None, until: str | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    lower = upper = None
    grains = set()
    if since:
        lower, grain = _parse_date(since, "from", end=False)
        grains.add(grain)
    if until:
        upper, grain = _parse_date(until, "until", end=True)
        grains.add(grain)
    if len(grains) > 1:
        raise OAIError("badArgument", _("Hai tham số from và until phải cùng độ chi tiết (cùng là ngày, "
                                        "hoặc cùng là ngày giờ)."))
    if lower and upper and lower > upper:
        raise OAIError("badArgument", _("Tham số from phải trước hoặc trùng until."))
    return lower, upper


# --- XML -------------------------------------------------------------------------------------

def _text(value) -> str:
    return _NOT_XML.sub("", str(value))


def _sub(parent, tag: str, text=None, ns: str = OAI_NS, **attrs):
    el = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for key, value in attrs.items():
        el.set(key, _text(value))
    if text is not None:
        el.text = _text(text)
    return el


def _oai_dc(parent, pairs) -> etree._Element:
    dc = etree.SubElement(parent, f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    for name, value, lang in pairs:
        el = _sub(dc, name, value, ns=DC_NS)
        if lang:
            el.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    return dc


def _header(parent, item: Item) -> None:
    header = _sub(parent, "header")
    if item.oai_deleted:
        header.set("status", "deleted")
    _sub(header, "identifier", identifier_of(item))
    _sub(header, "datestamp", utc(item.oai_datestamp))
    for spec in set_specs(item):
        _sub(header, "setSpec", spec)


def _record(parent, item: Item) -> None:
    record = _sub(parent, "record")
    _header(record, item)
    if not item.oai_deleted:
        metadata = _sub(record, "metadata")
        _oai_dc(metadata, [(name, value, None) for name, value in dublin_core.elements(item)])


# --- Verbs -----------------------------------------------------------------------------------

def _identify(root, args, base_url, page_size) -> None:
    out = _sub(root, "Identify")
    _sub(out, "repositoryName", repository_name())
    _sub(out, "baseURL", base_url)
    _sub(out, "protocolVersion", "2.0")
    _sub(out, "adminEmail", parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL)
    earliest = repository_items().aggregate(earliest=Min("oai_datestamp"))["earliest"]
    _sub(out, "earliestDatestamp", utc(earliest or timezone.now()))
    _sub(out, "deletedRecord", "persistent")
    _sub(out, "granularity", GRANULARITY)
    repo = repository_id()
    if _DOMAIN.match(repo):  # the oai-identifier scheme wants a domain name
        description = _sub(out, "description")
        ident = etree.SubElement(description, f"{{{OAI_ID_NS}}}oai-identifier",
                                 nsmap={None: OAI_ID_NS, "xsi": XSI_NS})
        ident.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_ID_NS} {OAI_ID_SCHEMA}")
        _sub(ident, "scheme", "oai", ns=OAI_ID_NS)
        _sub(ident, "repositoryIdentifier", repo, ns=OAI_ID_NS)
        _sub(ident, "delimiter", ":", ns=OAI_ID_NS)
        _sub(ident, "sampleIdentifier", identifier_of(1), ns=OAI_ID_NS)


def _no_such_item(identifier: str) -> OAIError:
    return OAIError("idDoesNotExist", _("Kho không có tài liệu mang định danh %(id)s.") % {"id": identifier})


def _no_such_format(prefix: str) -> OAIError:
    return OAIError("cannotDisseminateFormat",
                    _("Kho không cung cấp định dạng %(prefix)s; định dạng có: oai_dc.") % {"prefix": prefix})


def _find(identifier: str) -> Item | None:
    pk = item_id(identifier)
    return repository_items().filter(pk=pk).first() if pk else None


def _list_metadata_formats(root, args, base_url, page_size) -> None:
    if "identifier" in args and _find(args["identifier"]) is None:
        raise _no_such_item(args["identifier"])
    out = _sub(root, "ListMetadataFormats")
    for prefix, (schema, namespace) in FORMATS.items():
        fmt = _sub(out, "metadataFormat")
        _sub(fmt, "metadataPrefix", prefix)
        _sub(fmt, "schema", schema)
        _sub(fmt, "metadataNamespace", namespace)


def _list_sets(root, args, base_url, page_size) -> None:
    if "resumptionToken" in args:  # the sets come in one response: no token was ever given
        raise _bad_token()
    collections = list(public_sets().order_by("order", "name", "slug"))
    if not collections:
        raise OAIError("noSetHierarchy", _("Kho chưa có bộ sưu tập công khai nào."))
    out = _sub(root, "ListSets")
    for collection in collections:
        element = _sub(out, "set")
        _sub(element, "setSpec", collection.slug)
        _sub(element, "setName", collection.name)
        pairs = [("title", collection.name, "vi"), ("title", collection.name_en, "en"),
                 ("description", collection.description, "vi"),
                 ("description", collection.description_en, "en")]
        pairs = [(n, v.strip(), lang) for n, v, lang in pairs if v and v.strip()]
        if any(n == "description" for n, _v, _l in pairs):
            _oai_dc(_sub(element, "setDescription"), pairs)


def _get_record(root, args, base_url, page_size) -> None:
    item = _find(args["identifier"])
    errors = []
    if item is None:
        errors += _no_such_item(args["identifier"]).errors
    if args["metadataPrefix"] not in FORMATS:
        errors += _no_such_format(args["metadataPrefix"]).errors
    if errors:
        raise OAIError(*errors[0], *errors[1:])
    _record(_sub(root, "GetRecord"), item)


def _bad_token() -> OAIError:
    return OAIError("badResumptionToken", _("Mã tiếp tục (resumptionToken) không hợp lệ hoặc đã hết hạn; "
                                            "xin bắt đầu lại từ đầu danh sách."))


def _read_token(token: str, verb: str) -> dict:
    try:
        state = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError):
        raise _bad_token() from None
    if not isinstance(state, dict) or state.get("v") != verb:
        raise _bad_token()
    try:
        state["d"] = dt.datetime.fromisoformat(state["d"])
        state["k"] = int(state["k"])
        state["c"] = int(state["c"])
    except (KeyError, TypeError, ValueError):
        raise _bad_token() from None
    if state.get("m") not in FORMATS:
        raise _bad_token()
    return state


def _make_token(state: dict, last: Item, sent: int) -> str:
    return signing.dumps({**state, "d": last.oai_datestamp.isoformat(), "k": last.pk, "c": sent},
                         salt=TOKEN_SALT, compress=True)


def _list(verb: str, root, args, page_size: int) -> None:
    if "resumptionToken" in args:
        state = _read_token(args["resumptionToken"], verb)
    else:
        state = {"v": verb, "m": args["metadataPrefix"], "f": args.get("from"), "u": args.get("until"),
                 "s": args.get("set"), "d": None, "k": None, "c": 0}
    lower, upper = _window(state.get("f"), state.get("u"))
    if state["m"] not in FORMATS:
        raise _no_such_format(state["m"])
    items = repository_items()
    if state.get("s"):
        if not public_sets().exists():
            raise OAIError("noSetHierarchy", _("Kho chưa có bộ sưu tập công khai nào."))
        items = items.filter(collections__slug=state["s"], collections__public=True)
    if lower:
        items = items.filter(oai_datestamp__gte=lower)
    if upper:
        items = items.filter(oai_datestamp__lte=upper)
    page = items
    if state["d"] is not None:
        page = items.filter(Q(oai_datestamp__gt=state["d"]) | Q(oai_datestamp=state["d"], pk__gt=state["k"]))
    rows = list(page.order_by("oai_datestamp", "pk")[: page_size + 1])
    if not rows:
        raise OAIError("noRecordsMatch", _("Không có tài liệu nào khớp với điều kiện (from, until, set) đã cho."))
    more, rows = len(rows) > page_size, rows[:page_size]
    out = _sub(root, verb)
    for item in rows:
        if verb == "ListRecords":
            _record(out, item)
        else:
            _header(out, item)
    if more or state["d"] is not None:
        total = items.count()
        sent = state["c"] + len(rows)
        token = _sub(out, "resumptionToken", completeListSize=str(max(total, sent)), cursor=str(state["c"]))
        if more:
            token.text = _make_token(state, rows[-1], sent)
            token.set("expirationDate", utc(timezone.now() + TOKEN_MAX_AGE))


def _list_identifiers(root, args, base_url, page_size) -> None:
    _list("ListIdentifiers", root, args, page_size)


def _list_records(root, args, base_url, page_size) -> None:
    _list("ListRecords", root, args, page_size)


HANDLERS = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": _list_sets,
    "GetRecord": _get_record,
    "ListIdentifiers": _list_identifiers,
    "ListRecords": _list_records,
}


# --- Requests --------------------------------------------------------------------------------

def _arguments(verb: str, params: list[tuple[str, str]]) -> dict[str, str]:
    spec = VERBS[verb]
    allowed = {*spec.required, *spec.optional, *(("resumptionToken",) if spec.exclusive else ())}
    args: dict[str, str] = {}
    for key, value in params:
        if key == "verb":
            continue
        if key not in allowed:
            raise OAIError("badArgument", _("Động từ %(verb)s không nhận tham số %(key)s.") % {"verb": verb, "key": key})
        if key in args:
            raise OAIError("badArgument", _("Tham số %(key)s bị lặp lại.") % {"key": key})
        if not value:
            raise OAIError("badArgument", _("Tham số %(key)s không có giá trị.") % {"key": key})
        args[key] = value
    if "resumptionToken" in args:
        if len(args) > 1:
            raise OAIError("badArgument", _("Khi có resumptionToken thì không được kèm tham số nào khác "
                                            "ngoài verb."))
        return args
    missing = [key for key in spec.required if key not in args]
    if missing:
        raise OAIError("badArgument", _("Thiếu tham số bắt buộc: %(keys)s.") % {"keys": ", ".join(missing)})
    return args


def handle(params, base_url: str, page_size: int = PAGE_SIZE) -> bytes:
    """The XML response (UTF-8 bytes) to one OAI-PMH request. ``params``: the request's
    arguments as (key, value) pairs (repeated keys kept); ``base_url``: the endpoint's
    absolute address (echoed in ``request`` and Identify's ``baseURL``)."""
    params = [(str(k), str(v)) for k, v in params]
    root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    _sub(root, "responseDate", utc(timezone.now()))
    request = _sub(root, "request", base_url)
    verbs = [value for key, value in params if key == "verb"]
    try:
        if len(verbs) != 1 or verbs[0] not in VERBS:
            if not verbs:
                raise OAIError("badVerb", _("Thiếu tham số verb."))
            if len(verbs) > 1:
                raise OAIError("badVerb", _("Tham số verb bị lặp lại."))
            raise OAIError("badVerb", _("Động từ không hợp lệ: %(verb)s.") % {"verb": verbs[0]})
        verb = verbs[0]
        args = _arguments(verb, params)
        request.set("verb", verb)
        for key, value in args.items():
            request.set(key, _text(value))
        HANDLERS[verb](root, args, base_url, page_size)
    except OAIError as exc:
        if any(code in ("badVerb", "badArgument") for code, _m in exc.errors):
            request.attrib.clear()
        for code, message in exc.errors:
            _sub(root, "error", message, code=code)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
