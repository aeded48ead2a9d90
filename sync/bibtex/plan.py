"""What one delivery batch changes in a .bib file: dedupe, citekeys, rendered entries, the new bytes.

Pure given the file's bytes and its index, so a batch can be planned again from scratch when the file
changed under us (atomic.FileChanged). Every request is judged against the file as it is now
(docs/design.md "Exactly once at every sink, judged by what is there now"): a paper whose entry is there (even
edited by its owner) is `already_present`; one whose entry was removed is written again (`rewritten`), under
its old key while that is free; an entry PaperDrop wrote is replaced only while it is exactly what was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from paperdrop.sync.bibtex.citekeys import make_citekey
from paperdrop.sync.bibtex.identifiers import arxiv_key, entry_identifiers, paper_identifiers
from paperdrop.sync.bibtex.index import BibIndex, Placement, Replacement, text_hash
from paperdrop.sync.bibtex.layout import CHUNK, DIGEST_SIZE, chunk_digests
from paperdrop.sync.bibtex.render import BibtexOptions, ascii_fields, check_parses, entry_fields, write_entries
from paperdrop.sync.records import DeliveryOutcome, DeliveryRequest, PaperRecord


@dataclass
class _Draft:
    request: DeliveryRequest
    key: str
    fields: dict[str, str]
    span: tuple[int, int] | None = None  # set for an update of an owned entry
    rewritten: bool = False  # PaperDrop had written this paper here before, and it is gone
    text: bytes = b""


@dataclass
class Plan:
    outcomes: list[DeliveryOutcome]
    replaced: list[Replacement] = field(default_factory=list)
    appended: list[Placement] = field(default_factory=list)
    owned: list[tuple[str, str, str]] = field(default_factory=list)  # (key, arXiv identifier, text hash)
    pieces: list[bytes | memoryview] = field(default_factory=list)  # the new file content when `changed`
    first_change: int = 0  # offset of the first byte that differs from the file as read
    changed: bool = False

    def digests(self, old: bytes) -> bytes:
        """Chunk digests of the new content, given those of the file it was planned against."""
        first = self.first_change // CHUNK
        return old[: first * DIGEST_SIZE] + chunk_digests(self._bytes_from(first * CHUNK))

    def _bytes_from(self, offset: int) -> bytes:
        tail, pos = [], 0
        for piece in self.pieces:
            if pos + len(piece) > offset:
                tail.append(piece[max(0, offset - pos) :])
            pos += len(piece)
        return b"".join(tail)


class _Taken:
    """Keys in the file (the index) or chosen earlier in this batch, compared case-insensitively.

    make_citekey asks for base, base+a, base+b, ...: the first question about a base loads every file key
    starting with it in one query, so a crowded base costs one query, not one per suffix."""

    def __init__(self, index: BibIndex):
        self.index = index
        self.batch: set[str] = set()
        self._loaded_prefixes: list[str] = []
        self._file_keys: set[str] = set()

    def __contains__(self, key: object) -> bool:
        lkey = str(key).lower()
        if lkey in self.batch:
            return True
        if not any(lkey.startswith(prefix) for prefix in self._loaded_prefixes):
            self._loaded_prefixes.append(lkey)
            self._file_keys |= self.index.keys_with_prefix(lkey)
        return lkey in self._file_keys


def plan_delivery(
    requests: list[DeliveryRequest], index: BibIndex, data: bytes, options: BibtexOptions, *, ascii_only: bool = False
) -> Plan:
    """`ascii_only`: the file is not UTF-8, so new text is written as TeX commands and ASCII."""
    taken, batch_idents = _Taken(index), dict[str, str]()
    outcomes: dict[int, DeliveryOutcome] = {}
    drafts: list[_Draft] = []
    for request in requests:
        draft_or_outcome = _decide(request, index, data, taken, batch_idents, options)
        if isinstance(draft_or_outcome, DeliveryOutcome):
            outcomes[request.delivery_id] = draft_or_outcome
            continue
        if ascii_only:
            draft_or_outcome.fields = ascii_fields(draft_or_outcome.fields)
        drafts.append(draft_or_outcome)
        taken.batch.add(draft_or_outcome.key.lower())
        for ident in paper_identifiers(request.paper):
            batch_idents.setdefault(ident, draft_or_outcome.key)
    drafts = _render(drafts, data, outcomes)
    plan = Plan(outcomes=[outcomes[r.delivery_id] for r in requests])
    _assemble(plan, drafts, data)
    return plan


def _decide(
    request: DeliveryRequest,
    index: BibIndex,
    data: bytes,
    taken: _Taken,
    batch_idents: dict[str, str],
    options: BibtexOptions,
) -> _Draft | DeliveryOutcome:
    paper, key = request.paper, request.remote_key
    if request.update and key and key.lower() not in taken.batch:
        span = index.span_of(key)
        if span is not None and index.owns(key, data[span[0] : span[1]]):
            return _Draft(request, key, entry_fields(paper, key, options, request.contexts), span=span)
    existing = find_existing(paper, index, batch_idents, prefer=key)
    if existing is None and key and _key_holds(index, key, paper):
        existing = key  # the user's edit dropped its identifiers; the key still names this paper
    if existing is not None:
        return _present(request, existing)
    gone = index.gone_key_of(arxiv_key(paper.arxiv_id))
    rewritten = request.recheck or key is not None or gone is not None
    key = key or gone
    if not key or key in taken:  # a remembered key is kept, unless someone else now uses it
        key = make_citekey(paper, taken, options.key_pattern)
    return _Draft(request, key, entry_fields(paper, key, options, request.contexts), rewritten=rewritten)


def find_existing(paper: PaperRecord, index: BibIndex, batch: dict[str, str], prefer: str | None = None) -> str | None:
    """The key of an entry in the file (or earlier in the batch) that is this paper, else None."""
    for ident in paper_identifiers(paper):
        if ident.startswith("title:"):
            # Same title but another arXiv id is another paper (titles do repeat); no id at all is this one.
            # Batch entries all carry an arXiv id, and the same id would have matched above.
            keys = [k for k in index.keys_for(ident) if _title_match_allowed(index, k, paper)]
        else:
            keys = ([batch[ident]] if ident in batch else []) + index.keys_for(ident)
        if keys:
            return prefer if prefer in keys else keys[0]
    return None


def _title_match_allowed(index: BibIndex, key: str, paper: PaperRecord) -> bool:
    ids = {ident for ident in index.identifiers_of(key) if ident.startswith("arxiv:")}
    return not ids or arxiv_key(paper.arxiv_id) in ids


def _key_holds(index: BibIndex, key: str, paper: PaperRecord) -> bool:
    """Is `key` in the file on an entry that does not name another arXiv paper?"""
    return index.span_of(key) is not None and _title_match_allowed(index, key, paper)


def _present(request: DeliveryRequest, key: str) -> DeliveryOutcome:
    return DeliveryOutcome(request.delivery_id, "delivered", remote_key=key, already_present=True)


def _render(drafts: list[_Draft], data: bytes, outcomes: dict[int, DeliveryOutcome]) -> list[_Draft]:
    """Write and parse back every draft; drop failures (outcome `failed`) and no-op updates."""
    entries = [draft.fields for draft in drafts]
    texts = write_entries(entries)
    newline = "\r\n" if b"\r\n" in data[:65536] else "\n"  # keep the file's line endings
    kept = []
    for draft, text, problem in zip(drafts, texts, check_parses(texts, entries), strict=True):
        delivery_id = draft.request.delivery_id
        if problem:
            outcomes[delivery_id] = DeliveryOutcome(
                delivery_id, "failed", error=f"BibTeX entry {draft.key} would not parse back ({problem}); "
                "please report this paper to the PaperDrop developers.",
            )  # fmt: skip
            continue
        draft.text = text.rstrip("\n").replace("\n", newline).encode("utf-8")
        if draft.span is not None and data[draft.span[0] : draft.span[1]] == draft.text:
            outcomes[delivery_id] = _present(draft.request, draft.key)  # the update changes nothing
            continue
        outcomes[delivery_id] = DeliveryOutcome(
            delivery_id, "delivered", remote_key=draft.key, rewritten=draft.rewritten
        )
        kept.append(draft)
    return kept


def _assemble(plan: Plan, drafts: list[_Draft], data: bytes) -> None:
    spans = sorted(((d.span, d) for d in drafts if d.span is not None), key=lambda pair: pair[0])
    additions = [d for d in drafts if d.span is None]
    pieces: list[bytes] = []
    pos = 0
    for (start, stop), draft in spans:
        pieces += [data[pos:start], draft.text]
        pos = stop
        plan.replaced.append(Replacement(draft.key, start, stop, len(draft.text), paper_identifier_set(draft)))
    body = b"".join([*pieces, data[pos:]]) if spans else data  # appends alone never copy the file
    plan.first_change = spans[0][0][0] if spans else len(data)
    newline = b"\r\n" if b"\r\n" in data[:65536] else b"\n"
    plan.pieces = [memoryview(body)]
    length = len(body)
    for number, draft in enumerate(additions):
        gap = _gap_before(body, newline) if number == 0 else newline
        start = length + len(gap)
        plan.pieces += [gap, draft.text, newline]
        length = start + len(draft.text) + len(newline)
        plan.appended.append(Placement(draft.key, start, start + len(draft.text), paper_identifier_set(draft)))
    plan.owned = [(d.key, arxiv_key(d.request.paper.arxiv_id), text_hash(d.text)) for d in drafts]
    plan.changed = bool(drafts)


def _gap_before(body: bytes, newline: bytes) -> bytes:
    """Bytes between the existing content and the first appended entry: one blank line, nothing touched."""
    if not body:
        return b""
    if body.endswith((newline + newline, b"\n\n")):
        return b""
    return newline if body.endswith(b"\n") else newline + newline


def paper_identifier_set(draft: _Draft) -> set[str]:
    """Identifiers as a rescan of the written entry will find them, so the index never disagrees with one."""
    return entry_identifiers({name.lower(): value for name, value in draft.fields.items()})
