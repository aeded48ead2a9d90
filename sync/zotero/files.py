"""Storing a PDF in the library: Zotero's file upload protocol for one attachment item.

authorize (`POST <lib>/items/<key>/file` with md5, filename, filesize, mtime and `If-None-Match: *`) ->
upload (prefix + bytes + suffix to the URL Zotero names) -> register (`upload=<uploadKey>`), as
docs/reference.md "Zotero file uploads" describes. Every step is safe to repeat: `{"exists": 1}` means the
library already stores these bytes, and a 412 on authorize or register means a file is already attached
(an earlier attempt registered it and lost the answer), so a retry never stores a second file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

import httpx2

from paperdrop.sync.errors import PermanentError, TransientError
from paperdrop.sync.zotero.client import ZoteroClient

Stored = Literal["stored", "storage_full", "no_file_access"]
NEW_FILE = {"If-None-Match": "*"}


def store_file(client: ZoteroClient, attachment_key: str, path: Path) -> Stored:
    """Upload `path` as the file of attachment `attachment_key`. "storage_full" (413) and "no_file_access"
    (403) are answers, not errors: the caller links the PDF instead and tells the user."""
    content = path.read_bytes()
    form = {
        "md5": hashlib.md5(content).hexdigest(),  # noqa: S324  (the protocol names md5)
        "filename": path.name,
        "filesize": str(len(content)),
        "mtime": str(int(path.stat().st_mtime * 1000)),  # milliseconds, as Zotero keeps them
    }
    where = f"/items/{attachment_key}/file"
    answer = client.post_form(where, form, NEW_FILE, "authorizing a PDF upload")
    if answer.status_code == 413:
        return "storage_full"
    if answer.status_code == 403:
        return "no_file_access"
    if answer.status_code == 412:
        return "stored"
    _expect(answer, (200,), "authorizing the PDF upload")
    grant = answer.json()
    if grant.get("exists"):
        return "stored"
    body = grant["prefix"].encode() + content + grant["suffix"].encode()
    _expect(
        client.post_bytes(grant["url"], body, grant["contentType"], "uploading a PDF"),
        (200, 201, 204),
        "uploading the PDF",
    )
    registered = client.post_form(where, {"upload": grant["uploadKey"]}, NEW_FILE, "registering a PDF upload")
    if registered.status_code != 412:
        _expect(registered, (204,), "registering the PDF upload")
    return "stored"


def _expect(response: httpx2.Response, statuses: tuple[int, ...], doing: str) -> None:
    if response.status_code in statuses:
        return
    text = response.text[:200].strip()
    if response.status_code in (400, 428):  # a request Zotero cannot take as it is: retrying will not help
        raise PermanentError(f"Zotero refused {doing} (HTTP {response.status_code}): {text}")
    raise TransientError(f"Zotero answered HTTP {response.status_code} while {doing}: {text}")
