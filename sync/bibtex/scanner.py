"""A fast, tolerant scanner of .bib bytes: entry boundaries, keys and a few fields, never a full parse.

bibtexparser 1.x needs ~25 s for 20,000 entries (docs/reference.md), too slow for every outside edit.
This scanner only finds what dedupe and key uniqueness need. It works on bytes, so offsets are byte offsets
and any encoding whose ASCII bytes mean ASCII (UTF-8, Latin-1) is read without decoding the file.

Blocks: a line that starts with `@type{` (spaces or tabs before it allowed) begins a block, and nothing the
scanner reads crosses into the next block: an entry not closed by then is cut there (`broken`), and the `@`
of such a line can never be part of an earlier match. So the entries of a file are the entries of its blocks,
each found from the block's bytes alone; `scan(data, start, stop)` between two block boundaries gives exactly
the entries a full scan finds there. The index relies on this to rescan only the blocks an edit touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Fields kept for identifiers: arXiv ids hide in eprint/arxivid/url/doi and in Google Scholar's
# `journal = {arXiv preprint arXiv:...}`; publisher DOIs in doi; titles for the normalized-title match.
WANTED_FIELDS = frozenset(
    {
        "eprint",
        "arxivid",
        "archiveprefix",
        "eprinttype",
        "url",
        "doi",
        "journal",
        "note",
        "howpublished",
        "title",
    }
)
# Commands that are not entries: their bodies are skipped, they have no key.
NOT_ENTRIES = frozenset({b"comment", b"string", b"preamble"})

_AT = re.compile(rb"@[ \t\r\n]*([A-Za-z][\w-]*)[ \t\r\n]*([{(])")
# A new entry at the start of a line: where a broken (never closed) entry is taken to end.
_NEXT_ENTRY = re.compile(rb"\n[ \t]*@[ \t]*[A-Za-z][\w-]*[ \t]*[{(]")
_BRACES = re.compile(rb"[{}]")
_BRACES_PARENS = re.compile(rb"[{}()]")
_FIELD = re.compile(rb"[\s,]*([A-Za-z_][\w.:+/-]*)\s*=\s*")
_BARE = re.compile(rb"[^\s,#{}\"()]+")
_QUOTE_OR_BRACE = re.compile(rb'["{}]')
_HASH = re.compile(rb"\s*#\s*")


@dataclass(frozen=True)
class ScannedEntry:
    start: int  # byte offset of the `@`
    end: int  # byte offset just after the closing delimiter (or where a broken entry stops)
    kind: str  # entry type, lower case
    key: str
    fields: dict[str, str] = field(default_factory=dict)  # WANTED_FIELDS found, names lower case
    broken: bool = False


def scan(data: bytes, start: int = 0, stop: int | None = None) -> list[ScannedEntry]:
    """Every entry with a key in `data[start:stop]`, in file order, with offsets into `data`; `stop` is read
    as the end of the file. Comments, @string, @preamble and stray text are skipped."""
    entries, pos, stop = [], start, len(data) if stop is None else stop
    while (match := _AT.search(data, pos, stop)) is not None:
        entry, pos = _scan_entry(data, match, stop)
        if entry is not None:
            entries.append(entry)
    return entries


def has_entry(data: bytes) -> bool:
    """Is there at least one entry with a key? Stops at the first one."""
    pos = 0
    while (match := _AT.search(data, pos)) is not None:
        entry, pos = _scan_entry(data, match, len(data))
        if entry is not None:
            return True
    return False


def block_start_before(data: bytes, pos: int) -> int:
    """The last block boundary at or before `pos` whose `@type{` line start lies wholly before `pos`, else 0.

    Only bytes before `pos` are read, so in two files that agree on `data[:pos]` the answer is a boundary of both."""
    newline = data.rfind(b"\n", 0, pos)
    while newline >= 0:
        if _NEXT_ENTRY.match(data, newline, pos):
            return newline + 1
        newline = data.rfind(b"\n", 0, newline)
    return 0


def block_start_after(data: bytes, pos: int) -> int:
    """The first block boundary whose newline is at or after `pos`; the end of `data` when there is none."""
    following = _NEXT_ENTRY.search(data, pos)
    return following.start() + 1 if following else len(data)


def _scan_entry(data: bytes, match: re.Match[bytes], stop: int) -> tuple[ScannedEntry | None, int]:
    kind, opener = match.group(1).lower(), match.group(2)
    body_start = match.end()
    following = _NEXT_ENTRY.search(data, body_start, stop)
    limit = following.start() + 1 if following else stop
    close = _find_close(data, body_start, limit, paren=opener == b"(")
    if kind in NOT_ENTRIES:
        return None, close if close is not None else body_start
    broken = close is None
    end = limit if close is None else close
    body_end = end if close is None else end - 1
    key, fields = _parse_body(data, body_start, body_end)
    if not key:
        return None, end
    return ScannedEntry(match.start(), end, kind.decode("ascii"), key, fields, broken), end


def _find_close(data: bytes, pos: int, limit: int, *, paren: bool) -> int | None:
    """Offset just after the delimiter closing an entry opened just before `pos`, or None if none by `limit`."""
    depth = 0
    for token in (_BRACES_PARENS if paren else _BRACES).finditer(data, pos, limit):
        char = token.group()
        if char == b"{":
            depth += 1
        elif char == b"}":
            if depth == 0:
                return None if paren else token.end()
            depth -= 1
        elif char == b")" and depth == 0:
            return token.end()
    return None


def _parse_body(data: bytes, pos: int, end: int) -> tuple[str, dict[str, str]]:
    comma = data.find(b",", pos, end)
    key = data[pos : comma if comma >= 0 else end].strip()
    if not key or b"=" in key or b" " in key or b"\n" in key:
        return "", {}
    fields: dict[str, str] = {}
    pos = comma if comma >= 0 else end
    while (match := _FIELD.match(data, pos, end)) is not None:
        value, pos = _read_value(data, match.end(), end)
        if value is None:
            break  # malformed value: keep what was found so far
        name = match.group(1).decode("ascii", "replace").lower()
        if name in WANTED_FIELDS:
            fields[name] = value.decode("utf-8", "replace")
    return key.decode("utf-8", "replace"), fields


def _read_value(data: bytes, pos: int, end: int) -> tuple[bytes | None, int]:
    """A value (`{...}`, `"..."`, number or macro, joined with `#`) without its delimiters."""
    parts = []
    while True:
        part, pos = _read_part(data, pos, end)
        if part is None:
            return None, pos
        parts.append(part)
        joiner = _HASH.match(data, pos, end)
        if joiner is None:
            return b"".join(parts), pos
        pos = joiner.end()


def _read_part(data: bytes, pos: int, end: int) -> tuple[bytes | None, int]:
    if pos >= end:
        return None, pos
    opener = data[pos : pos + 1]
    if opener not in (b"{", b'"'):
        bare = _BARE.match(data, pos, end)
        return (bare.group(), bare.end()) if bare else (None, pos)
    depth = 0
    for token in _QUOTE_OR_BRACE.finditer(data, pos + 1, end):
        char = token.group()
        if char == b"{":
            depth += 1
        elif char == b"}":
            if depth == 0:
                return (data[pos + 1 : token.start()], token.end()) if opener == b"{" else (None, pos)
            depth -= 1
        elif opener == b'"' and depth == 0:  # a quote inside braces does not end a "..." value
            return data[pos + 1 : token.start()], token.end()
    return None, pos
