"""A fake Zotero Web API v3 on 127.0.0.1: real HTTP, the rules docs/reference.md lists, injectable faults.

It enforces the API key (`Zotero-API-Key` or `Authorization: Bearer`), `/keys/current`, user and group
libraries with versions and `Last-Modified-Version`, at most 50 objects per write (413), per-object
`successful/success/unchanged/failed` answers, keyed writes with `version` (0 = create only; 428 without a
version), `Zotero-Write-Token` reuse and `If-Unmodified-Since-Version` (412), item type fields (400 per
object), missing collections and parents (409), and reads with `limit/start/Total-Results/Link`, `since`,
`format=versions`, `itemKey`, `/items/top`, `/children`, `/collections`, `/deleted`, single-item PATCH/PUT
and DELETE, the trash (`deleted: 1`, restored with `deleted: 0`), changes of item type (fields mapped through
their base field or dropped, as Zotero does), and the file upload protocol with a storage quota and "exists"
answers (tests/fakes/zotero_files.py). `set_busy_day()` draws the fault mix of api.zotero.org on a busy day.

Item fields are those of Zotero's schema (zotero/zotero-schema schema.json, commit 5eedf44, 2026-01-20) for the
types PaperDrop writes.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.fakes.zotero_files import PendingUpload, StoredFile, file_call, upload_call

MAX_OBJECTS = 50
MAX_FIELD_LENGTH = 65535

# ---------------------------------------------------------------------------------------------------------
# Item schema (a subset of Zotero's)
# ---------------------------------------------------------------------------------------------------------
_BIB_CREATORS = {"author", "contributor", "editor", "translator", "reviewedAuthor"}

ITEM_FIELDS: dict[str, set[str]] = {
    "preprint": {
        "title",
        "abstractNote",
        "genre",
        "repository",
        "archiveID",
        "place",
        "date",
        "series",
        "seriesNumber",
        "DOI",
        "citationKey",
        "url",
        "accessDate",
        "archive",
        "archiveLocation",
        "shortTitle",
        "language",
        "libraryCatalog",
        "callNumber",
        "rights",
        "extra",
    },
    "journalArticle": {
        "title",
        "abstractNote",
        "publicationTitle",
        "publisher",
        "place",
        "date",
        "volume",
        "issue",
        "section",
        "partNumber",
        "partTitle",
        "pages",
        "series",
        "seriesTitle",
        "seriesText",
        "journalAbbreviation",
        "DOI",
        "citationKey",
        "url",
        "accessDate",
        "PMID",
        "PMCID",
        "ISSN",
        "archive",
        "archiveLocation",
        "shortTitle",
        "language",
        "libraryCatalog",
        "callNumber",
        "rights",
        "extra",
    },
    "conferencePaper": {
        "title",
        "abstractNote",
        "proceedingsTitle",
        "conferenceName",
        "publisher",
        "place",
        "date",
        "eventPlace",
        "volume",
        "issue",
        "numberOfVolumes",
        "pages",
        "series",
        "seriesNumber",
        "DOI",
        "ISBN",
        "citationKey",
        "url",
        "accessDate",
        "ISSN",
        "archive",
        "archiveLocation",
        "shortTitle",
        "language",
        "libraryCatalog",
        "callNumber",
        "rights",
        "extra",
    },
    "bookSection": {
        "title",
        "abstractNote",
        "bookTitle",
        "series",
        "seriesNumber",
        "volume",
        "numberOfVolumes",
        "edition",
        "date",
        "publisher",
        "place",
        "originalDate",
        "originalPublisher",
        "originalPlace",
        "medium",
        "pages",
        "ISBN",
        "DOI",
        "citationKey",
        "url",
        "accessDate",
        "ISSN",
        "archive",
        "archiveLocation",
        "shortTitle",
        "language",
        "libraryCatalog",
        "callNumber",
        "rights",
        "extra",
    },
    "webpage": {
        "title",
        "abstractNote",
        "websiteTitle",
        "websiteType",
        "date",
        "shortTitle",
        "url",
        "accessDate",
        "language",
        "rights",
        "extra",
    },
    "note": {"note", "parentItem"},
    "attachment": {
        "title",
        "accessDate",
        "url",
        "note",
        "contentType",
        "charset",
        "linkMode",
        "filename",
        "md5",
        "mtime",
        "path",
        "parentItem",
    },
}
# Fields that stand for a base field in their type; a change of item type carries a value over through it.
BASE_FIELDS: dict[str, dict[str, str]] = {
    "preprint": {"genre": "type", "repository": "publisher", "archiveID": "number"},
    "conferencePaper": {"proceedingsTitle": "publicationTitle"},
    "bookSection": {"bookTitle": "publicationTitle"},
}
_EDITED_CREATORS = {"author", "contributor", "editor", "translator", "seriesEditor"}
CREATOR_TYPES: dict[str, set[str]] = {
    "preprint": _BIB_CREATORS,
    "journalArticle": _BIB_CREATORS,
    "conferencePaper": _EDITED_CREATORS,
    "bookSection": _EDITED_CREATORS | {"bookAuthor"},
    "webpage": {"author", "contributor", "translator"},
    "note": set(),
    "attachment": set(),
}
COMMON_FIELDS = {
    "key",
    "itemType",
    "tags",
    "collections",
    "relations",
    "dateAdded",
    "dateModified",
    "deleted",
    "creators",
}
CHILD_TYPES = {"note", "attachment"}
_UNTYPED_FIELDS = {"md5", "mtime"}  # null until a file is stored; mtime is a number
LINK_MODES = {"imported_file", "imported_url", "linked_file", "linked_url"}
COLLECTION_FIELDS = {"key", "name", "parentCollection", "relations", "deleted"}


class ObjectError(Exception):
    """A per-object failure: goes into the `failed` part of a multi-object write answer."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def validate_item(data: dict, collections: dict, items: dict) -> None:
    """Raise ObjectError as Zotero would: 400 for a bad field/value, 409 for a missing collection/parent."""
    item_type = data.get("itemType")
    if item_type not in ITEM_FIELDS:
        raise ObjectError(400, f"'itemType' {item_type!r} is not a valid item type")
    for name, value in data.items():
        if name not in COMMON_FIELDS and name not in ITEM_FIELDS[item_type]:
            raise ObjectError(400, f"'{name}' is not a valid field for type '{item_type}'")
        if name in ITEM_FIELDS[item_type] and name not in _UNTYPED_FIELDS and not isinstance(value, str):
            raise ObjectError(400, f"'{name}' must be a string")
        if isinstance(value, str) and len(value) > MAX_FIELD_LENGTH:
            raise ObjectError(413, f"'{name}' is too long ({len(value)} characters)")
    _validate_creators(item_type, data.get("creators", []))
    _validate_tags(data.get("tags", []))
    _validate_links(data, item_type, collections, items)


def _validate_creators(item_type: str, creators: object) -> None:
    if not isinstance(creators, list):
        raise ObjectError(400, "'creators' must be an array")
    for creator in creators:
        if not isinstance(creator, dict) or creator.get("creatorType") not in CREATOR_TYPES[item_type]:
            raise ObjectError(400, f"Invalid creator type for item type '{item_type}'")
        named = isinstance(creator.get("name"), str) and creator["name"]
        split = "lastName" in creator and "firstName" in creator
        if not named and not split:
            raise ObjectError(400, "Creator must have 'name' or 'firstName' and 'lastName'")


def _validate_tags(tags: object) -> None:
    if not isinstance(tags, list) or any(not isinstance(t, dict) or not t.get("tag") for t in tags):
        raise ObjectError(400, "'tags' must be an array of {tag, type} objects with a non-empty tag")
    if any(t.get("type", 0) not in (0, 1) for t in tags):
        raise ObjectError(400, "Tag type must be 0 or 1")


def _validate_links(data: dict, item_type: str, collections: dict, items: dict) -> None:
    for key in data.get("collections", []):
        if key not in collections:
            raise ObjectError(409, f"Collection {key} doesn't exist")
    parent = data.get("parentItem")
    if item_type in CHILD_TYPES and parent:
        if data.get("collections"):
            raise ObjectError(400, "Child items cannot be assigned to collections")
        if parent not in items:
            raise ObjectError(409, f"Parent item {parent} doesn't exist")
        if items[parent]["data"]["itemType"] in CHILD_TYPES:
            raise ObjectError(400, "Parent item cannot be a note or attachment")
    if item_type == "attachment":
        if data.get("linkMode") not in LINK_MODES:
            raise ObjectError(400, "'linkMode' must be one of " + ", ".join(sorted(LINK_MODES)))
        if data["linkMode"] == "linked_url" and not data.get("url"):
            raise ObjectError(400, "A linked_url attachment needs 'url'")


def retyped(data: dict, new_type: str) -> dict:
    """An item's fields after a change of item type, as Zotero makes it: a field the new type lacks moves to
    the new type's field of the same base field (a preprint's `repository` becomes a journal article's
    `publisher`), or is dropped."""
    old_bases = BASE_FIELDS.get(data.get("itemType", ""), {})
    new_by_base = {base: name for name, base in BASE_FIELDS.get(new_type, {}).items()}
    valid = ITEM_FIELDS.get(new_type, set())
    moved: dict = {"itemType": new_type}
    for name, value in data.items():
        if name in COMMON_FIELDS or name in ("version", "itemType") or name in valid:
            moved.setdefault(name, value)
            continue
        base = old_bases.get(name, name)
        target = new_by_base.get(base, base)
        if target in valid:
            moved[target] = value
    return moved


def template(item_type: str) -> dict:
    fields = sorted(ITEM_FIELDS.get(item_type, set()) - {"parentItem"})
    base = {"itemType": item_type, **{name: "" for name in fields}}
    if item_type not in CHILD_TYPES:
        base.update(creators=[{"creatorType": "author", "firstName": "", "lastName": ""}], collections=[])
    return {**base, "tags": [], "relations": {}}


def all_fields() -> list[str]:
    return sorted(set().union(*ITEM_FIELDS.values()) | {"itemType", "creators"})


# ---------------------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------------------
FAULT_KINDS = ("429", "503", "outage", "backoff", "drop", "stall")
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")
# api.zotero.org on a busy day (bench/README.md, "Zotero delivery"): (kind, share of requests, writes only).
# Drawn in this order.
BUSY_DAY = (("429", 0.10, False), ("outage", 0.05, False), ("backoff", 0.10, False), ("drop", 0.15, True))
_KEY_RE = re.compile(r"^[23456789ABCDEFGHIJKLMNPQRSTUVWXYZ]{8}$")
_LIB = r"/(?P<ltype>users|groups)/(?P<lid>\d+)"
_ROUTES = [
    ("items", re.compile(rf"^{_LIB}/items$")),
    ("top", re.compile(rf"^{_LIB}/items/top$")),
    ("item", re.compile(rf"^{_LIB}/items/(?P<key>[A-Z0-9]+)$")),
    ("children", re.compile(rf"^{_LIB}/items/(?P<key>[A-Z0-9]+)/children$")),
    ("file", re.compile(rf"^{_LIB}/items/(?P<key>[A-Z0-9]+)/file$")),
    ("collections", re.compile(rf"^{_LIB}/collections$")),
    ("coll_items", re.compile(rf"^{_LIB}/collections/(?P<key>[A-Z0-9]+)/items(?P<top>/top)?$")),
    ("deleted", re.compile(rf"^{_LIB}/deleted$")),
]


@dataclass
class ApiKey:
    user_id: int
    library: bool = True
    write: bool = True
    groups: dict[str, bool] = field(default_factory=dict)  # group id or "all" -> write allowed
    files: bool = True  # "Allow file access": may upload attachment files


@dataclass
class Library:
    type: str  # "user" or "group"
    id: int
    version: int = 0
    items: dict[str, dict] = field(default_factory=dict)  # key -> full object {key, version, data, ...}
    collections: dict[str, dict] = field(default_factory=dict)
    deleted: dict[str, dict[str, int]] = field(default_factory=lambda: {"items": {}, "collections": {}})
    write_tokens: set[str] = field(default_factory=set)
    files: dict[str, StoredFile] = field(default_factory=dict)  # attachment key -> its stored file
    uploads: dict[str, PendingUpload] = field(default_factory=dict)  # upload key -> authorized upload
    storage_quota: int = 300 * 1024 * 1024  # bytes (the free plan's 300 MB)

    @property
    def storage_used(self) -> int:
        return sum(f.size for f in self.files.values())


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: dict[str, str]
    status: int
    objects: int = 0
    fault: str | None = None


@dataclass
class _Fault:
    kind: str
    times: int
    method: str | None
    path: str | None


class FakeZotero:
    """The Zotero Web API v3 on 127.0.0.1, in a thread. `with FakeZotero() as fz: fz.add_key("K", user_id=1)`.

    Faults: `inject(kind, times, method=, path=)` for one-shot ones, `set_fault_rate(rate, seed=)` for random
    ones, `set_busy_day(seed=)` for the mix of BUSY_DAY; kinds are 429 and 503 (with Retry-After), `outage`
    (503 without Retry-After), `backoff` (a success with a Backoff header), `drop` (the request is carried
    out, then the connection closes without an answer) and `stall` (carried out, then answered after
    `stall_seconds`, past a short client timeout). Random faults spare the file upload URL, which is another
    service (Amazon S3) in real life; `inject(..., path="/upload/")` reaches it."""

    def __init__(self, *, retry_after: int = 1, backoff: int = 1, stall_seconds: float = 0.5, latency: float = 0.0):
        self.latency = latency  # seconds added to every answer, to imitate a network round trip
        self.retry_after = retry_after
        self.backoff = backoff
        self.stall_seconds = stall_seconds
        self.keys: dict[str, ApiKey] = {}
        self.libraries: dict[tuple[str, int], Library] = {}
        self.log: list[LoggedRequest] = []
        self._faults: list[_Fault] = []
        self._fault_rate = 0.0
        self._fault_kinds: tuple[str, ...] = FAULT_KINDS
        self._fault_profile: tuple[tuple[str, float, bool], ...] = ()
        self._random = random.Random(0)
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._default: tuple[str, int] | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def __enter__(self) -> Self:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- setup ---------------------------------------------------------------------------------------
    def add_key(
        self,
        key: str,
        *,
        user_id: int,
        write: bool = True,
        library: bool = True,
        groups: dict[str | int, bool] | None = None,
        files: bool = True,
    ) -> ApiKey:
        self.keys[key] = ApiKey(user_id, library, write, {str(g): w for g, w in (groups or {}).items()}, files)
        self.library("user", user_id)
        return self.keys[key]

    def add_group(self, group_id: int) -> Library:
        return self.library("group", group_id)

    def library(self, ltype: str | None = None, lid: int | None = None) -> Library:
        """The library (created on first use); without arguments the first one created."""
        with self._lock:
            if ltype is None:
                return self.libraries[self._default]
            ident = (ltype, int(lid))
            if ident not in self.libraries:
                self.libraries[ident] = Library(ltype, int(lid))
                self._default = self._default or ident
            return self.libraries[ident]

    def inject(self, kind: str, times: int = 1, *, method: str | None = None, path: str | None = None) -> None:
        assert kind in FAULT_KINDS, kind
        with self._lock:
            self._faults.append(_Fault(kind, times, method, path))

    def set_fault_rate(self, rate: float, *, seed: int = 0, kinds: tuple[str, ...] = FAULT_KINDS) -> None:
        with self._lock:
            self._fault_rate, self._fault_kinds, self._random = rate, kinds, random.Random(seed)

    def set_busy_day(self, *, seed: int = 0, profile: tuple[tuple[str, float, bool], ...] = BUSY_DAY) -> None:
        with self._lock:
            self._fault_profile, self._random = profile, random.Random(seed)

    # -- direct changes, as a user or the Zotero Connector would make them ------------------------------
    def add_item(self, data: dict, library: Library | None = None) -> str:
        lib = library or self.library()
        with self._lock:
            answer = _write_objects(lib, [dict(data)], "items", None)
            if answer["failed"]:
                raise ValueError(answer["failed"])
            return answer["success"]["0"]

    def add_collection(self, name: str, parent: str | None = None, library: Library | None = None) -> str:
        lib = library or self.library()
        with self._lock:
            answer = _write_objects(lib, [{"name": name, "parentCollection": parent or False}], "collections", None)
            return answer["success"]["0"]

    def delete_item(self, key: str, library: Library | None = None) -> None:
        """Erase an item for good (emptied from the trash), with its children, as Zotero does."""
        lib = library or self.library()
        with self._lock:
            lib.version += 1
            _erase(lib, key)

    def trash_item(self, key: str, library: Library | None = None) -> None:
        """Move an item to the trash (`deleted: 1`), as a user does in Zotero."""
        lib = library or self.library()
        with self._lock:
            lib.version += 1
            obj = lib.items[key]
            obj["version"] = obj["data"]["version"] = lib.version
            obj["data"]["deleted"] = 1

    def file_of(self, key: str, library: Library | None = None) -> bytes | None:
        stored = (library or self.library()).files.get(key)
        return stored.content if stored else None

    # -- inspection ------------------------------------------------------------------------------------
    def items(self, library: Library | None = None, *, children: bool = False) -> list[dict]:
        lib = library or self.library()
        with self._lock:
            return [o["data"] for o in lib.items.values() if children or not o["data"].get("parentItem")]

    def children(self, key: str, library: Library | None = None) -> list[dict]:
        return [d for d in self.items(library, children=True) if d.get("parentItem") == key]

    def collection_key(self, path: str, library: Library | None = None) -> str | None:
        lib = library or self.library()
        parent: str | bool = False
        for name in path.split("/"):
            found = [
                k
                for k, o in lib.collections.items()
                if o["data"]["name"] == name and (o["data"].get("parentCollection") or False) == parent
            ]
            if len(found) != 1:
                return None
            parent = found[0]
        return parent or None

    def items_in_collection(self, path: str, library: Library | None = None) -> list[dict]:
        key = self.collection_key(path, library)
        return [d for d in self.items(library) if key and key in d.get("collections", [])]

    def requests(self, method: str | None = None, path_contains: str = "") -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self.log if (method is None or r.method == method) and path_contains in r.path]

    # -- request handling (called by the handler thread) --------------------------------------------
    def _pick_fault(self, method: str, path: str) -> str | None:
        with self._lock:
            for fault in self._faults:
                if fault.times > 0 and fault.method in (None, method) and (fault.path or "") in path:
                    fault.times -= 1
                    return fault.kind
            if path.startswith("/upload/"):
                return None
            if self._fault_rate and self._random.random() < self._fault_rate:
                return self._random.choice(self._fault_kinds)
            for kind, share, writes_only in self._fault_profile:
                if (not writes_only or method in WRITE_METHODS) and self._random.random() < share:
                    return kind
        return None


class _Handler(BaseHTTPRequestHandler):
    fake: FakeZotero
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes: avoid delayed-ACK stalls
    timeout = 10

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fake = self.fake
        if fake.latency:
            time.sleep(fake.latency)
        fault = fake._pick_fault(method, url.path)
        if fault in ("429", "503", "outage"):
            status = 429 if fault == "429" else 503
            fake.log.append(LoggedRequest(method, url.path, query, status, fault=fault))
            hint = {} if fault == "outage" else {"Retry-After": str(fake.retry_after)}
            return self._send(status, "Rate limit exceeded\n" if status == 429 else "Service unavailable\n", hint)
        with fake._lock:
            if url.path.startswith("/upload/"):
                status, payload, headers, objects = upload_call(fake, url.path, body, self.headers)
            else:
                status, payload, headers, objects = _dispatch(fake, method, url.path, query, body, self.headers)
            fake.log.append(LoggedRequest(method, url.path, query, status, objects, fault))
        if fault == "drop":
            self.close_connection = True
            return None
        if fault == "backoff":
            headers["Backoff"] = str(fake.backoff)
        if fault == "stall":
            time.sleep(fake.stall_seconds)
        return self._send(status, payload, headers)

    def _send(self, status: int, payload: object, headers: dict[str, str]) -> None:
        if isinstance(payload, (dict, list)):
            data, ctype = json.dumps(payload).encode(), "application/json"
        elif isinstance(payload, bytes):
            data, ctype = payload, headers.pop("Content-Type", "application/octet-stream")
        else:
            data, ctype = str(payload or "").encode(), "text/plain"
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


# ---------------------------------------------------------------------------------------------------------
# The API: every function returns (status, payload, headers, objects written)
# ---------------------------------------------------------------------------------------------------------
def _dispatch(fake: FakeZotero, method: str, path: str, query: dict, body: bytes, headers) -> tuple:
    if path == "/itemFields":
        return 200, [{"field": f, "localized": f} for f in all_fields()], {}, 0
    if path == "/items/new":
        return 200, template(query.get("itemType", "")), {}, 0
    key_text = (
        headers.get("Zotero-API-Key")
        or (headers.get("Authorization") or "").removeprefix("Bearer ")
        or query.get("key")
    )
    api_key = fake.keys.get(key_text or "")
    if path.startswith("/keys/"):
        return _key_info(key_text, api_key, path)
    if api_key is None:
        return 403, "Invalid key" if key_text else "Forbidden", {}, 0
    for name, pattern in _ROUTES:
        match = pattern.match(path)
        if match:
            return _library_call(fake, api_key, name, match, method, query, body, headers)
    return 404, "Not found", {}, 0


def _key_info(key_text: str | None, api_key: ApiKey | None, path: str) -> tuple:
    if api_key is None or path not in ("/keys/current", f"/keys/{key_text}"):
        return 403, "Invalid key" if key_text else "Forbidden", {}, 0
    access: dict = {
        "user": {
            "library": api_key.library,
            "files": api_key.library and api_key.files,
            "notes": api_key.library,
            "write": api_key.write,
        }
    }
    if api_key.groups:
        access["groups"] = {g: {"library": True, "write": w} for g, w in api_key.groups.items()}
    return (
        200,
        {"key": key_text, "userID": api_key.user_id, "username": f"user{api_key.user_id}", "access": access},
        {},
        0,
    )


def _library_call(fake, api_key, name, match, method, query, body, headers) -> tuple:
    ltype, lid = match["ltype"][:-1], int(match["lid"])
    if ltype == "group" and ("group", lid) not in fake.libraries:
        return 404, "Group not found", {}, 0
    lib = fake.library(ltype, lid)
    can_read, can_write = _grant(api_key, ltype, lid)
    if not can_read or (method != "GET" and not can_write):
        return 403, "Forbidden" if not can_read else "Write access denied", {}, 0
    version_header = {"Last-Modified-Version": str(lib.version)}
    if name == "file":
        return file_call(fake, lib, api_key, match["key"], method, query, body, headers)
    if method == "DELETE" and name in ("item", "items"):
        return _delete(lib, match["key"] if name == "item" else query.get("itemKey", ""), headers)
    if method == "GET":
        return _read(lib, name, match, query) + (0,)
    try:
        objects = json.loads(body or b"null")
    except ValueError:
        return 400, "Invalid JSON", version_header, 0
    if method == "POST" and name in ("items", "collections"):
        return _post(lib, name, objects, headers)
    if method in ("PATCH", "PUT") and name == "item":
        return _patch(lib, match["key"], objects, headers, replace=method == "PUT")
    return 405, "Method not allowed", version_header, 0


def _grant(api_key: ApiKey, ltype: str, lid: int) -> tuple[bool, bool]:
    if ltype == "user":
        mine = api_key.user_id == lid and api_key.library
        return mine, mine and api_key.write
    write = api_key.groups.get(str(lid), api_key.groups.get("all"))
    return write is not None, bool(write)


def _post(lib: Library, name: str, objects: object, headers) -> tuple:
    version_header = {"Last-Modified-Version": str(lib.version)}
    if not isinstance(objects, list):
        return 400, "Uploaded data must be a JSON array", version_header, 0
    if len(objects) > MAX_OBJECTS:
        return 413, f"Only {MAX_OBJECTS} objects can be written in a single request", version_header, 0
    token = headers.get("Zotero-Write-Token")
    if token and token in lib.write_tokens:
        return 412, "Write token already used", version_header, 0
    since = headers.get("If-Unmodified-Since-Version")
    if since is not None and lib.version > int(since):
        return (
            412,
            (f"Library has been modified since specified version (expected {since}, found {lib.version})"),
            version_header,
            0,
        )
    answer = _write_objects(lib, objects, name, since)
    if token:
        lib.write_tokens.add(token)
    return 200, answer, {"Last-Modified-Version": str(lib.version)}, len(objects)


def _write_objects(lib: Library, objects: list, name: str, since: str | None) -> dict:
    """Apply a multi-object write one object at a time; the library version moves once if anything changed."""
    answer: dict = {"successful": {}, "success": {}, "unchanged": {}, "failed": {}}
    new_version = lib.version + 1
    for index, obj in enumerate(objects):
        try:
            changed, full = _write_one(lib, obj, name, new_version, since)
        except ObjectError as err:
            key = obj.get("key", "") if isinstance(obj, dict) else ""
            answer["failed"][str(index)] = {"key": key, "code": err.code, "message": err.message}
            continue
        if changed:
            answer["successful"][str(index)] = full
            answer["success"][str(index)] = full["key"]
        else:
            answer["unchanged"][str(index)] = full["key"]
    if answer["success"]:
        lib.version = new_version
    return answer


def _write_one(lib: Library, obj: object, name: str, new_version: int, since: str | None) -> tuple[bool, dict]:
    if not isinstance(obj, dict):
        raise ObjectError(400, "Object must be a JSON object")
    store = lib.items if name == "items" else lib.collections
    key, version = obj.get("key"), obj.get("version")
    if key is not None and not (isinstance(key, str) and _KEY_RE.match(key)):
        raise ObjectError(400, f"'{key}' is not a valid key")
    existing = store.get(key) if key else None
    fields = {k: v for k, v in obj.items() if k not in ("key", "version")}
    if existing:
        if version is None and since is None:
            raise ObjectError(
                428, "Either If-Unmodified-Since-Version or object version must be provided for key-based writes"
            )
        if version is not None and int(version) != existing["version"]:
            raise ObjectError(
                412,
                f"{name[:-1].capitalize()} has been modified since specified version "
                f"(expected {version}, found {existing['version']})",
            )
        data = {**existing["data"], **fields}
        if fields.get("itemType", data["itemType"]) != existing["data"].get("itemType"):
            data = {**retyped(existing["data"], fields["itemType"]), **fields}
    else:
        if key and version not in (None, 0):
            raise ObjectError(404, f"{name[:-1].capitalize()} doesn't exist")
        key = key or _random_key()
        data = {"key": key, **fields}
        data.setdefault("relations", {})
        if name == "items" and data.get("itemType") not in CHILD_TYPES:
            data.setdefault("collections", [])
            data.setdefault("tags", [])
    _validate(lib, name, data)
    if existing and {**data, "version": 0} == {**existing["data"], "version": 0}:
        return False, existing
    data["version"] = new_version
    store[key] = {
        "key": key,
        "version": new_version,
        "library": {"type": lib.type, "id": lib.id},
        "links": {},
        "meta": {},
        "data": data,
    }
    return True, store[key]


def _validate(lib: Library, name: str, data: dict) -> None:
    if name == "items":
        return validate_item({k: v for k, v in data.items() if k != "version"}, lib.collections, lib.items)
    unknown = set(data) - COLLECTION_FIELDS - {"version"}
    if unknown:
        raise ObjectError(400, f"'{min(unknown)}' is not a valid collection property")
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise ObjectError(400, "Collection name cannot be empty")
    parent = data.get("parentCollection")
    if parent and parent not in lib.collections:
        raise ObjectError(409, f"Parent collection {parent} doesn't exist")
    return None


def _patch(lib: Library, key: str, fields: object, headers, *, replace: bool) -> tuple:
    version_header = {"Last-Modified-Version": str(lib.version)}
    existing = lib.items.get(key)
    if existing is None:
        return 404, "Item not found", version_header, 0
    if not isinstance(fields, dict):
        return 400, "Uploaded data must be a JSON object", version_header, 0
    expected = headers.get("If-Unmodified-Since-Version") or fields.get("version")
    if expected is None:
        return 428, "If-Unmodified-Since-Version not provided", version_header, 0
    if int(expected) != existing["version"]:
        return 412, "Item has been modified since specified version", version_header, 0
    base = {"key": key, "itemType": existing["data"]["itemType"]} if replace else {}
    answer = _write_objects(
        lib, [{**(base or existing["data"]), **fields, "key": key, "version": existing["version"]}], "items", None
    )
    if answer["failed"]:
        failure = answer["failed"]["0"]
        return failure["code"], failure["message"], version_header, 1
    return 204, "", {"Last-Modified-Version": str(lib.version)}, 1


def _delete(lib: Library, keys: str, headers) -> tuple:
    """DELETE one item (or `?itemKey=A,B`): needs the library or item version, erases children too."""
    version_header = {"Last-Modified-Version": str(lib.version)}
    expected = headers.get("If-Unmodified-Since-Version")
    if expected is None:
        return 428, "If-Unmodified-Since-Version not provided", version_header, 0
    wanted = [k for k in keys.split(",") if k]
    present = [k for k in wanted if k in lib.items]
    single = len(wanted) == 1 and present
    current = lib.items[present[0]]["version"] if single else lib.version
    if int(expected) < current:
        return 412, "Item has been modified since specified version", version_header, 0
    if present:
        lib.version += 1
        for key in present:
            _erase(lib, key)
    return 204, "", {"Last-Modified-Version": str(lib.version)}, len(present)


def _erase(lib: Library, key: str) -> None:
    for child in [k for k, o in lib.items.items() if o["data"].get("parentItem") == key]:
        _erase(lib, child)
    lib.items.pop(key, None)
    lib.files.pop(key, None)
    lib.deleted["items"][key] = lib.version


def _read(lib: Library, name: str, match: re.Match, query: dict) -> tuple:
    headers = {"Last-Modified-Version": str(lib.version)}
    if name == "deleted":
        since = int(query.get("since", 0))
        return (
            200,
            {kind: [k for k, v in keys.items() if v > since] for kind, keys in lib.deleted.items()}
            | {"searches": [], "tags": [], "settings": []},
            headers,
        )
    if name == "item":
        found = lib.items.get(match["key"])
        return (200, found, headers) if found else (404, "Item not found", headers)
    objects = _select(lib, name, match, query)
    if query.get("format") == "versions":
        return 200, {o["key"]: o["version"] for o in objects}, headers
    if query.get("format") == "keys":
        return 200, "\n".join(o["key"] for o in objects), headers
    return _page(objects, query, headers, match.string)


def _select(lib: Library, name: str, match: re.Match, query: dict) -> list[dict]:
    if name == "collections":
        objects = list(lib.collections.values())
    else:
        objects = list(lib.items.values())
        if name in ("top", "coll_items") and (name == "top" or match["top"]):
            objects = [o for o in objects if not o["data"].get("parentItem")]
        if name == "children":
            objects = [o for o in objects if o["data"].get("parentItem") == match["key"]]
        if name == "coll_items":
            objects = [o for o in objects if match["key"] in o["data"].get("collections", [])]
        if query.get("includeTrashed") not in ("1", "true"):
            objects = [o for o in objects if not o["data"].get("deleted")]
    if "since" in query:
        objects = [o for o in objects if o["version"] > int(query["since"])]
    if query.get("itemKey"):
        wanted = query["itemKey"].split(",")[:MAX_OBJECTS]
        objects = [o for o in objects if o["key"] in wanted]
    return objects


def _page(objects: list[dict], query: dict, headers: dict, path: str) -> tuple:
    limit = min(int(query.get("limit") or 25), 100)
    start = int(query.get("start") or 0)
    headers["Total-Results"] = str(len(objects))
    if start + limit < len(objects):
        following = urlencode({**query, "start": start + limit, "limit": limit})
        headers["Link"] = f'<{path}?{following}>; rel="next"'
    return 200, objects[start : start + limit], headers


def _random_key() -> str:
    return "".join(random.choice("23456789ABCDEFGHIJKLMNPQRSTUVWXYZ") for _ in range(8))
