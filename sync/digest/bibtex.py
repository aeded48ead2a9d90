"""BibTeX sources: entries that name an arXiv paper (`eprint`, a 10.48550 DOI or an arxiv.org URL).

A tolerant brace-aware scan instead of bibtexparser 1.x: its pyparsing grammar emits warnings on import
of every parser (an error under our warnings policy) and it needs ~25 s for 20,000 entries
(docs/reference.md, pyzotero section); a digest import only needs a few fields.
"""

from __future__ import annotations

import re

from paperdrop.sync.digest.report import SourceNote, SourceReport
from paperdrop.sync.ids import ArxivId, parse_arxiv_id
from paperdrop.sync.records import ClipInput
from paperdrop.sync.text import collapse_whitespace

_ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*[{(]")
_FIELD = re.compile(r"\s*([A-Za-z][\w:-]*)\s*=\s*")


def looks_like_bibtex(text: str) -> bool:
    return bool(re.search(r"^\s*@\s*[A-Za-z]+\s*[{(]\s*[^\s,]+\s*,", text, re.MULTILINE))


def parse_bibtex(text: str) -> SourceReport:
    """Entries that name an arXiv paper; the others are reported, with their line and key."""
    report = SourceReport()
    for kind, fields, pos in scan_entries(text):
        if kind.lower() in ("comment", "string", "preamble"):
            continue
        clip = _clip(fields)
        if clip:
            report.clips.append(clip)
        else:
            line = text.count("\n", 0, pos) + 1
            title = collapse_whitespace(fields.get("title", "").replace("{", "").replace("}", ""))
            report.notes.append(SourceNote(line, f"entry {fields.get('ID', '?')} names no arXiv paper, skipped", title))
    return report


def scan_entries(text: str) -> list[tuple[str, dict[str, str], int]]:
    """(entry type, {lower-case field: raw value without outer delimiters, "ID": the key}, offset) per entry."""
    entries, pos = [], 0
    while match := _ENTRY_START.search(text, pos):
        body_start = match.end()
        end = _matching_close(text, body_start - 1)
        entries.append((match.group(1), _fields(text[body_start:end]), match.start()))
        pos = end + 1
    return entries


def _clip(fields: dict[str, str]) -> ClipInput | None:
    parsed: ArxivId | None = None
    for key in ("eprint", "doi", "url", "arxivid", "journal"):
        if fields.get(key) and (parsed := parse_arxiv_id(_strip_prefix(fields[key]))):
            break
    if not parsed:
        return None
    authors = [collapse_whitespace(a) for a in re.split(r"\s+and\s+", fields.get("author", "")) if a.strip()]
    year = fields.get("year", "").strip()
    return ClipInput(
        arxiv_id=parsed.id,
        version=parsed.version,
        title=collapse_whitespace(fields.get("title", "").replace("{", "").replace("}", "")) or None,
        abstract=collapse_whitespace(fields.get("abstract")) or None,
        authors=[_first_last(a) for a in authors],
        source_site="bibtex",
        extra={"year": int(year)} if year.isdigit() else {},
    )


def _strip_prefix(value: str) -> str:
    value = collapse_whitespace(value)
    return re.sub(r"^(?:arxiv\s*:?\s*abs/|arxiv\s+preprint\s+arxiv:)", "", value, flags=re.IGNORECASE)


def _first_last(name: str) -> str:
    last, sep, first = name.partition(",")
    return f"{first.strip()} {last.strip()}".strip() if sep else name


def _fields(body: str) -> dict[str, str]:
    key_end = body.find(",")
    fields: dict[str, str] = {"ID": body[: max(key_end, 0)].strip()}
    pos = key_end + 1 if key_end >= 0 else len(body)
    while match := _FIELD.match(body, pos):
        value, pos = _value(body, match.end())
        fields[match.group(1).lower()] = value.strip()
        comma = body.find(",", pos)
        if comma < 0:
            break
        pos = comma + 1
    return fields


def _value(body: str, pos: int) -> tuple[str, int]:
    if pos < len(body) and body[pos] == "{":
        end = _matching_close(body, pos)
        return body[pos + 1 : end], end + 1
    if pos < len(body) and body[pos] == '"':
        end = body.find('"', pos + 1)
        end = len(body) if end < 0 else end
        return body[pos + 1 : end], end + 1
    end = pos
    while end < len(body) and body[end] not in ",}":
        end += 1
    return body[pos:end], end


def _matching_close(text: str, open_pos: int) -> int:
    """Index of the delimiter closing the one at `open_pos` (braces nest; a `(` entry ends at `)`)."""
    opening = text[open_pos]
    closing = "}" if opening == "{" else ")"
    depth = 0
    for i in range(open_pos, len(text)):
        char = text[i]
        if char == opening or (char == "{" and opening != "{"):
            depth += 1
        elif char == closing or (char == "}" and opening != "{"):
            depth -= 1
            if depth == 0:
                return i
    return len(text)
