"""The Zotero file upload protocol of the fake Web API: authorize -> upload -> register (docs/reference.md
"Zotero file uploads").

`POST <lib>/items/<key>/file` with `md5, filename, filesize, mtime` and `If-None-Match: *` (a new file) or
`If-Match: <md5>` (a replacement) authorizes an upload: `{"exists": 1}` when the library already stores a file
with that md5 (it is attached at once), 413 when the storage quota would be exceeded, 403 when the key lacks
file access, 412 when the precondition fails, else `{url, contentType, prefix, suffix, uploadKey}`. The bytes go
to `url` (`POST /upload/<uploadKey>`, no API key: Amazon S3 in real life) as prefix + file + suffix: 201. Then
`POST <lib>/items/<key>/file` with `upload=<uploadKey>` registers it: 204, and the attachment item gets its
`md5` and `mtime`. `GET <lib>/items/<key>/file` returns the bytes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from tests.fakes.zotero import ApiKey, FakeZotero, Library

STORED_MODES = ("imported_file", "imported_url")
_BOUNDARY = "---------------------------PaperDropFakeS3"


@dataclass
class StoredFile:
    md5: str
    filename: str
    mtime: int
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class PendingUpload:
    library: tuple[str, int]
    item_key: str
    md5: str
    filename: str
    filesize: int
    mtime: int
    prefix: bytes
    suffix: bytes
    content: bytes | None = None  # set once the upload arrived


def file_call(
    fake: FakeZotero, lib: Library, api_key: ApiKey, key: str, method: str, query: dict, body: bytes, headers: Any
) -> tuple:
    version_header = {"Last-Modified-Version": str(lib.version)}
    item = lib.items.get(key)
    if item is None:
        return 404, "Item not found", version_header, 0
    if method == "GET":
        stored = lib.files.get(key)
        if stored is None:
            return 404, "File not found", version_header, 0
        return 200, stored.content, {**version_header, "Content-Type": item["data"].get("contentType") or ""}, 0
    if method != "POST":
        return 405, "Method not allowed", version_header, 0
    data = item["data"]
    if data.get("itemType") != "attachment" or data.get("linkMode") not in STORED_MODES:
        return 400, "Item is not a stored-file attachment", version_header, 0
    if lib.type == "user" and not api_key.files:
        return 403, "File editing denied", version_header, 0
    form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8")).items()}
    problem = _precondition(lib.files.get(key), headers)
    if problem:
        return problem + (version_header, 0)
    if "upload" in form:
        return _register(lib, key, form["upload"])
    return _authorize(fake, lib, key, form)


def _precondition(stored: StoredFile | None, headers: Any) -> tuple[int, str] | None:
    if_none, if_match = headers.get("If-None-Match"), headers.get("If-Match")
    if if_none is None and if_match is None:
        return 428, "If-Match/If-None-Match header not provided"
    if if_none == "*" and stored is not None:
        return 412, "If-None-Match: * set but file exists"
    if if_match is not None and (stored is None or stored.md5 != if_match):
        return 412, "ETag does not match current version of file"
    return None


def _authorize(fake: FakeZotero, lib: Library, key: str, form: dict) -> tuple:
    version_header = {"Last-Modified-Version": str(lib.version)}
    try:
        md5, filename, filesize, mtime = form["md5"], form["filename"], int(form["filesize"]), int(form["mtime"])
    except (KeyError, ValueError):
        return 400, "md5, filename, filesize and mtime are required", version_header, 0
    same = next((f for f in lib.files.values() if f.md5 == md5), None)
    if same is not None:  # the file is in storage already: attached without an upload
        _attach(lib, key, StoredFile(md5, filename, mtime, same.content))
        return 200, {"exists": 1}, {"Last-Modified-Version": str(lib.version)}, 0
    if lib.storage_used + filesize > lib.storage_quota:
        quota = {
            "Zotero-Storage-Quota": str(lib.storage_quota // (1024 * 1024)),
            "Zotero-Storage-Usage": str(lib.storage_used // (1024 * 1024)),
        }
        return 413, "File would exceed quota", {**version_header, **quota}, 0
    upload_key = secrets.token_hex(16)
    prefix = (
        f'--{_BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    suffix = f"\r\n--{_BOUNDARY}--\r\n".encode()
    lib.uploads[upload_key] = PendingUpload((lib.type, lib.id), key, md5, filename, filesize, mtime, prefix, suffix)
    answer = {
        "url": f"{fake.url}/upload/{upload_key}",
        "contentType": f"multipart/form-data; boundary={_BOUNDARY}",
        "prefix": prefix.decode(),
        "suffix": suffix.decode(),
        "uploadKey": upload_key,
    }
    return 200, answer, version_header, 0


def _register(lib: Library, key: str, upload_key: str) -> tuple:
    version_header = {"Last-Modified-Version": str(lib.version)}
    pending = lib.uploads.get(upload_key)
    if pending is None or pending.item_key != key:
        return 400, "Invalid upload key", version_header, 0
    if pending.content is None:
        return 400, "File not uploaded", version_header, 0
    del lib.uploads[upload_key]
    _attach(lib, key, StoredFile(pending.md5, pending.filename, pending.mtime, pending.content))
    return 204, "", {"Last-Modified-Version": str(lib.version)}, 1


def upload_call(fake: FakeZotero, path: str, body: bytes, headers: Any) -> tuple:
    """The storage service: the body must be prefix + file + suffix, with the authorized md5 and size."""
    upload_key = path.removeprefix("/upload/")
    pending = next((lib.uploads[upload_key] for lib in fake.libraries.values() if upload_key in lib.uploads), None)
    if pending is None:
        return 404, "NoSuchUpload", {}, 0
    if not (body.startswith(pending.prefix) and body.endswith(pending.suffix)):
        return 400, "Malformed POST body", {}, 0
    content = body[len(pending.prefix) : len(body) - len(pending.suffix)]
    if len(content) != pending.filesize or hashlib.md5(content).hexdigest() != pending.md5:  # noqa: S324
        return 400, "BadDigest", {}, 0
    pending.content = content
    return 201, "", {}, 0


def _attach(lib: Library, key: str, stored: StoredFile) -> None:
    lib.version += 1
    lib.files[key] = stored
    obj = lib.items[key]
    obj["data"].update(md5=stored.md5, mtime=stored.mtime, filename=stored.filename, version=lib.version)
    obj["version"] = lib.version
