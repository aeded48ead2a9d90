"""The children of items PaperDrop made: the notes and "Preprint PDF", with the PDF stored in the library.

The PDFs are fetched first (cached, through the arXiv gate), the notes and attachment items are written 50
objects per request (keys derived from the parent, `version: 0`: a repeat is a per-object 412), then each
stored PDF is uploaded (sync.zotero.files). Storage full (413) or no file access (403): the empty stored
attachment is deleted, a linked-URL one is written instead, and the outcome carries a remark for the user;
a full storage is remembered for STORAGE_FULL_RETRY seconds so the next papers link at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from paperdrop.sync.errors import PermanentError, ThrottledError, TransientError
from paperdrop.sync.records import PaperRecord
from paperdrop.sync.zotero.client import ZoteroClient
from paperdrop.sync.zotero.config import KEYS_PAGE, ZoteroOptions
from paperdrop.sync.zotero.files import store_file
from paperdrop.sync.zotero.items import attachment_key, linked_pdf_key, notes, pdf_attachment
from paperdrop.sync.zotero.jobs import Job, Progress
from paperdrop.sync.zotero.state import ZoteroState
from paperdrop.sync.zotero.writes import ObjectResult, batches, read_results

JOBS_PER_NOTE_REFRESH = 16  # up to two notes per paper, read then written: at most 50 objects per request
STORAGE_FULL_RETRY = 3600.0  # seconds before a full storage is tried again
STORAGE_PAGE = "https://www.zotero.org/storage"
REMARKS = {
    "storage_full": (
        "Your Zotero file storage is full, so the PDF is linked to arXiv instead of stored in your library. "
        f"Free space or get more storage at {STORAGE_PAGE}; PDFs are stored again once there is room."
    ),
    "no_file_access": (
        "The Zotero API key may not upload files, so the PDF is linked to arXiv instead of stored in your "
        f"library. Allow file access for the key at {KEYS_PAGE}, or set {{pdf_setting}} to linked."
    ),
    "no_pdf": "arXiv has no PDF for this version yet, so the item links to arXiv's PDF instead of storing it.",
}


class PdfSource(Protocol):
    def path(self, arxiv_id: str, version: int) -> Path: ...


class ChildWriter:
    def __init__(
        self,
        client: ZoteroClient,
        state: ZoteroState,
        options: ZoteroOptions,
        pdfs: PdfSource | None,
        clock: Callable[[], float],
        refused: Callable[[Job, ObjectResult, str], None],
    ):
        self._client, self._state, self._options, self._pdfs = client, state, options, pdfs
        self._clock, self._refused = clock, refused
        self.files_allowed = True  # False once the key is known to lack file access

    def storage_problem(self) -> str | None:
        """Why PDFs are linked rather than stored right now, in the words told to the user; None if they are not."""
        if self._options.pdf != "stored":
            return None
        if not self.files_allowed:
            return self._remark("no_file_access")
        if self._state.storage_full_until() > self._clock():
            return self._remark("storage_full")
        return None

    def _remark(self, kind: str) -> str:
        return REMARKS[kind].replace("{pdf_setting}", self._client.config.setting("zotero_pdf"))

    def write(self, jobs: list[Job], progress: Progress) -> None:
        """Children of all `jobs` in writes of 50 objects (a paper's children may span two); each paper is
        settled once its children are written and its PDF stored."""
        stored = {job.key: self._pdf_for(job, progress) for job in jobs}
        objects = [(job, obj) for job in jobs if job.outcome is None for obj in self._children(job, stored[job.key])]
        left = Counter(job.key for job, _ in objects)
        for job in jobs:
            if job.outcome is None and not left[job.key]:  # no note to write and no PDF attached (pdf "none")
                self._finish(job, None, None, progress)
        for chunk in batches(objects):
            results = read_results(self._client.write_items([obj for _, obj in chunk]), len(chunk))
            versions: dict[str, int | None] = {}
            for (job, obj), result in zip(chunk, results, strict=True):
                if job.outcome is None and not (result.ok or result.exists):
                    self._refused(job, result, "note or PDF attachment")
                versions[obj["key"]] = int(result.obj["version"]) if result.obj else None
                left[job.key] -= 1
            for job in {job.key: job for job, _ in chunk}.values():
                if left[job.key] == 0 and job.outcome is None:
                    self._finish(job, stored[job.key], versions.get(attachment_key(job.key)), progress)

    def _finish(self, job: Job, path: Path | None, version: int | None, progress: Progress) -> None:
        if path is not None:
            self._store(job, path, version)
        if job.outcome is None:
            self._state.mark_children_done([job.key])
            progress.settle(job, "delivered")

    def _pdf_for(self, job: Job, progress: Progress) -> Path | None:
        """The local PDF to store for `job`, None when it is linked or not attached. arXiv not answering now
        leaves the paper's children for its next attempt (its item is written already)."""
        if self._options.pdf != "stored" or self._pdfs is None:
            return None
        job.remark = self.storage_problem()
        if job.remark:
            return None
        paper = job.request.paper
        try:
            return self._pdfs.path(paper.arxiv_id, paper.version)
        except PermanentError:
            job.remark = REMARKS["no_pdf"]
            return None
        except ThrottledError:
            raise
        except TransientError as exc:
            progress.settle(job, "retry", f"The arXiv PDF could not be fetched: {exc.message}", exc.retry_after)
            return None

    def _children(self, job: Job, stored: Path | None) -> list[dict[str, Any]]:
        made = notes(job.request, job.key, self._options)
        if self._options.pdf == "none":
            return made
        paper: PaperRecord = job.request.paper
        made.append(pdf_attachment(paper, attachment_key(job.key), job.key, stored.name if stored else None))
        return made

    def _store(self, job: Job, path: Path, version: int | None) -> None:
        key = attachment_key(job.key)
        if self._state.files_done([key]):
            return
        known = self.storage_problem()  # found out for an earlier paper of this call: no upload is tried
        if known:
            job.remark = known
            self._link_instead(job, key, version)
            return
        result = store_file(self._client, key, path)
        if result == "stored":
            self._state.mark_file_done(key)
            return
        if result == "storage_full":
            self._state.set_storage_full_until(self._clock() + STORAGE_FULL_RETRY)
        else:
            self.files_allowed = False
        job.remark = self._remark(result)
        self._link_instead(job, key, version)

    def _link_instead(self, job: Job, stored_key: str, version: int | None) -> None:
        """Replace the stored attachment that has no file by a linked one (a link mode cannot change)."""
        if version is None:  # written by an earlier attempt: its version is read first
            found = self._client.items_by_key([stored_key])
            version = int(found[0]["version"]) if found else None
        if version is not None:
            self._client.delete_item(stored_key, version)
        linked = pdf_attachment(job.request.paper, linked_pdf_key(job.key), job.key, None)
        [result] = read_results(self._client.write_items([linked]), 1)
        if not (result.ok or result.exists):
            self._refused(job, result, "linked PDF")

    def refresh_notes(self, jobs: list[Job], progress: Progress) -> None:
        """Rewrite the notes of updated items we made with their current versions (read first: a keyed write
        needs one); a note that did not exist yet is created. 50 objects per request."""
        for chunk in batches(jobs, JOBS_PER_NOTE_REFRESH):
            wanted = [(job, note) for job in chunk for note in notes(job.request, job.key, self._options)]
            keys = [note["key"] for _, note in wanted]
            current = {obj["key"]: obj["version"] for obj in self._client.items_by_key(keys)} if keys else {}
            writes = [
                (job, {"key": note["key"], "version": current[note["key"]], "note": note["note"]})
                if note["key"] in current
                else (job, note)
                for job, note in wanted
            ]
            results = read_results(self._client.write_items([obj for _, obj in writes]), len(writes)) if writes else []
            for (job, _), result in zip(writes, results, strict=True):
                if job.outcome is None and not (result.ok or result.exists):
                    self._refused(job, result, "note")
            for job in chunk:
                if job.outcome is None:
                    progress.settle(job, "delivered")
