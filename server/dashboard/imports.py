"""Import page: paste a digest, ids or URLs, or upload a file; pick a target; then watch progress live.

A batch is just its clip ids, written into the URL as ranges (`12-40,45`): nothing to store, and any
signed-in browser can reopen the progress page later.
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort, current_app, flash, jsonify, render_template, request

from paperdrop.server.dashboard.blueprint import back, bp, rt
from paperdrop.server.dashboard.filters import outcome_word, safe_href
from paperdrop.server.jobs.foreground import ClipResult, Progress, clip_results
from paperdrop.server.services.outcome import Links
from paperdrop.server.services.save import save_clips
from paperdrop.server.services.targets import allowed_target, known_targets
from paperdrop.sync.errors import InputError
from paperdrop.sync.records import ClipInput
from paperdrop.sync.targets import TargetSpec

MAX_BATCH = 5000  # clips per progress page
SHOWN_REMARKS = 10  # what a source had that was not used, shown after an import (the session cookie is small)
_BATCH_RE = re.compile(r"^\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*$")


def encode_batch(clip_ids: list[int]) -> str:
    """Sorted ids as comma-separated ranges: [3, 4, 5, 9] -> "3-5,9"."""
    parts: list[str] = []
    ids = sorted(set(clip_ids))
    start = prev = ids[0] if ids else 0
    for clip_id in ids[1:] + [None]:
        if clip_id is not None and clip_id == prev + 1:
            prev = clip_id
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if clip_id is not None:
            start = prev = clip_id
    return ",".join(parts) if ids else ""


def decode_batch(batch: str) -> list[int]:
    """The ids of a batch string; 404 for anything else (or a batch too large to show)."""
    if not _BATCH_RE.match(batch or ""):
        abort(404, description="This import link is not valid.")
    ids: list[int] = []
    for part in batch.split(","):
        low, _, high = part.partition("-")
        first, last = int(low), int(high or low)
        if last < first or len(ids) + last - first + 1 > MAX_BATCH:
            abort(404, description="This import link is not valid.")
        ids.extend(range(first, last + 1))
    return ids


def _target_choices() -> list[tuple[str | None, str]]:
    return [(name, str(spec)) for name, spec in known_targets(rt())]


def _form_page(error: str | None = None, status: int = 200):
    form = request.form if request.method == "POST" else {}
    return render_template("dashboard/import.html", targets=_target_choices(), error=error, form=form), status


@bp.get("/import")
def import_form():
    return _form_page()


@bp.post("/import")
def import_submit():
    try:
        chosen = request.form.get("target_other", "").strip() or request.form.get("target") or None
        spec = allowed_target(rt(), chosen, "api")  # a browser page may write only to the user's places
        clips, remarks = _read_clips()
    except InputError as exc:
        return _form_page(str(exc), 400)
    if not clips:
        not_used = f" Not used: {'; '.join(remarks[:SHOWN_REMARKS])}." if remarks else ""
        return _form_page(
            "No papers found. Paste arXiv ids or links, a digest (title line, blank line, "
            "abstract), or upload a saved page, an id list or a .bib file." + not_used,
            400,
        )
    clip_ids = _store(clips, spec)
    response = back(
        "dashboard.import_batch",
        f"Importing {len(clip_ids)} papers into {spec}.",
        "success",
        batch=encode_batch(clip_ids),
    )
    _flash_remarks(remarks)  # after the import's own message
    return response


def _read_clips() -> tuple[list[ClipInput], list[str]]:
    """The clips of the upload and the pasted text, and what in them could not be used."""
    from paperdrop.sync.digest import parse_source

    source_url = safe_href(request.form.get("source_url", "").strip()) or None
    clips: list[ClipInput] = []
    remarks: list[str] = []
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        with upload.stream:  # large uploads are spooled to a temp file: close it now
            data = upload.read()
        report = parse_source(data, filename=upload.filename, source_url=source_url)
        clips += report.clips
        remarks += [f"{upload.filename}: {line}" for line in report.summary()]
    text = request.form.get("text", "")
    if text.strip():
        report = parse_source(text, filename=None, source_url=source_url)
        clips += report.clips
        remarks += [f"pasted text: {line}" for line in report.summary()]
    return clips, remarks


def _flash_remarks(remarks: list[str]) -> None:
    """Say what was not imported: nothing in a source is dropped without a word."""
    for remark in remarks[:SHOWN_REMARKS]:
        flash(remark, "info")
    if len(remarks) > SHOWN_REMARKS:
        flash(f"… and {len(remarks) - SHOWN_REMARKS} more lines of the source not used.", "info")


def _store(clips: list[ClipInput], spec: TargetSpec) -> list[int]:
    """Saved like the API saves (a failed paper imported again is tried again)."""
    return save_clips(rt(), list(clips), str(spec)).clip_ids


@bp.get("/import/<batch>")
def import_batch(batch: str):
    progress = clip_results(rt(), decode_batch(batch), Links())
    return render_template(
        "dashboard/progress.html",
        batch=batch,
        progress=progress,
        summary=progress_json(progress),
        poll_ms=current_app.config["PAPERDROP_DASHBOARD_POLL_MS"],
    )


@bp.get("/import/<batch>/progress")
def import_progress(batch: str):
    return jsonify(progress_json(clip_results(rt(), decode_batch(batch), Links())))


def progress_json(progress: Progress) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for result in progress.results:
        counts[result.outcome.kind] = counts.get(result.outcome.kind, 0) + 1
    return {
        "done": progress.done,
        "settled": progress.settled,
        "total": len(progress.results),
        "counts": counts,
        "results": [_result_json(r) for r in progress.results],
    }


def _result_json(result: ClipResult) -> dict[str, Any]:
    outcome = result.outcome
    links = outcome.links
    link = links.get("review") or links.get("setup") or links.get("failed") or links.get("paper")
    return {
        "clip_id": result.clip_id,
        "arxiv_id": result.arxiv_id,
        "title": result.title,
        "target": result.target,
        "outcome": outcome.to_json(),
        "outcome_text": outcome_word(outcome.kind),
        "detail": "" if result.done else " ".join(filter(None, (outcome.message, outcome.fix))),
        "settled": result.settled,
        "link": link,
    }
