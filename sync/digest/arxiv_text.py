"""arXiv's own text listings: the daily e-mail digest, and a listing page (/list/<cat>/new) copied as text.

Only the listed entries are papers (docs/design.md, "No paper dropped, none invented"): an id inside another
entry's comments or abstract ("see also arXiv:...") is a mention. The e-mail's layout is arXiv's listing file
format (arXiv/arxiv-browse, browse/services/listing/parse_new_listing_file.py): entries between `------` rules,
cross-lists after a `%-%-%-` rule, replacements after `%%--%%--`, the end at `%%%---`; an entry is `arXiv:<id>`,
`Date:` or "replaced with revised version", header fields (`Title:`, `Authors:`, `Categories:`, `Comments:`, ...
with indented continuation lines), `\\`, the abstract, and `\\ ( https://arxiv.org/abs/<id> ,  27kb)`. A listing
page copied as text has `[1] arXiv:<id> [pdf, html, other]`, `Title:`, the authors without a label, `Comments:`,
`Subjects:` and the abstract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from paperdrop.sync.digest.idtext import find_id_mentions
from paperdrop.sync.digest.report import SourceReport
from paperdrop.sync.ids import ArxivId, abs_url, parse_arxiv_id
from paperdrop.sync.records import ClipInput
from paperdrop.sync.text import collapse_whitespace

_ENTRY = re.compile(r"^(?:\[[0-9]+\]\s*)?arXiv:\s*(?P<id>\S+)(?P<rest>.*)$")
_FIELD = re.compile(
    r"^(?P<name>Title|Authors?|Categories|Comments|Subjects|Journal-ref|DOI|Report-no|ACM-class|MSC-class|"
    r"License|Date|Proxy)\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^(?:-{10,}|%-%-%-|%%--%%--|%%%---%%%---)")
_TRAILER = re.compile(r"^\\\\\s*\(\s*https?://\S+")
_REPLACED = re.compile(r"^replaced with revised version", re.IGNORECASE)
_ENTRY_HEAD = re.compile(r"^(?:Title|Date)\s*:|^replaced with revised version", re.IGNORECASE)
HEAD_LINES = 4  # an entry's first line is followed this closely by its Date:, Title: or "replaced" line
MIN_ENTRIES_WITH_TITLE = 1


def looks_like_arxiv_text(text: str) -> bool:
    """An e-mail digest or a listing copied as text: `arXiv:<id>` lines followed closely by `Title:`."""
    lines = text.split("\n")
    titled = sum(1 for i in range(len(lines)) if _entry_start(lines, i) and _titled(lines, i))
    return titled >= MIN_ENTRIES_WITH_TITLE


def parse_arxiv_text(text: str) -> SourceReport:
    lines = text.replace("\r\n", "\n").split("\n")
    starts = [(i, start) for i in range(len(lines)) if (start := _entry_start(lines, i))]
    report = SourceReport()
    mentioned: list[str] = []
    for k, (i, (parsed, rest)) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        entry = _read_entry(rest, lines[i + 1 : end])
        report.clips.append(entry.clip(parsed))
        mentioned += [p.id for _, p in find_id_mentions(entry.free_text()) if p.id != parsed.id]
    listed = {parsed.id for _, (parsed, _) in starts}
    report.mentioned = [i for i in dict.fromkeys(mentioned) if i not in listed]
    return report


@dataclass
class _Entry:
    kind: str  # "new", "cross-list" or "replaced"
    fields: dict[str, str] = field(default_factory=dict)
    abstract: list[str] = field(default_factory=list)

    def clip(self, parsed: ArxivId) -> ClipInput:
        get = self.fields.get
        categories = (get("categories") or "").split()
        extra = {
            "comment": get("comments"),
            "journal_ref": get("journal-ref"),
            "categories": categories or None,
            "primary_subject": get("subjects"),
            "listing": self.kind,
        }
        return ClipInput(
            arxiv_id=parsed.id,
            version=parsed.version,
            title=get("title") or None,
            url=abs_url(parsed.id),
            abstract=collapse_whitespace(" ".join(self.abstract)) or None,
            authors=_authors(get("authors") or get("author") or ""),
            source_site="arxiv.org",
            extra={k: v for k, v in extra.items() if v},
        )

    def free_text(self) -> str:
        """Where other papers are mentioned: comments, journal reference and abstract."""
        return " ".join([self.fields.get("comments", ""), self.fields.get("journal-ref", ""), *self.abstract])


def _read_entry(rest: str, lines: list[str]) -> _Entry:
    """`rest` is what follows the id on the entry's first line (`(*cross-listing*)`, `[pdf, other]`)."""
    entry = _Entry("cross-list" if "cross-list" in rest else "new")
    last: str | None = None
    in_header = True
    for line in lines:
        stripped = line.strip()
        if _RULE.match(stripped) or _TRAILER.match(stripped):
            break  # the entry's end (its abs link, or the rule before the next entry)
        if _REPLACED.match(stripped):
            entry.kind = "replaced"
        elif stripped == "\\\\":
            in_header = False  # e-mail: the abstract follows
        elif in_header and (match := _FIELD.match(stripped)):
            last = match.group("name").lower()
            entry.fields[last] = match.group("value").strip()
        elif in_header and stripped and line[:1].isspace() and last:
            entry.fields[last] += " " + stripped  # an indented continuation line
        elif in_header and stripped and "title" in entry.fields and "authors" not in entry.fields and last == "title":
            entry.fields["authors"] = stripped  # a listing page: the authors line has no label
            last = "authors"
        elif stripped and (not in_header or "title" in entry.fields):
            in_header = False
            entry.abstract.append(stripped)
    return entry


def _entry_start(lines: list[str], i: int) -> tuple[ArxivId, str] | None:
    """An entry's first line: `arXiv:<id>` at the start of a line, with its header right below (an
    abstract's wrapped line may also start with "arXiv:", but no header follows it)."""
    match = _ENTRY.match(lines[i])
    parsed = parse_arxiv_id(match.group("id")) if match else None
    if not (match and parsed and any(_ENTRY_HEAD.match(x.strip()) for x in lines[i + 1 : i + 1 + HEAD_LINES])):
        return None
    return parsed, match.group("rest")


def _titled(lines: list[str], i: int) -> bool:
    return any(re.match(r"^\s*Title\s*:", x, re.IGNORECASE) for x in lines[i + 1 : i + 2 + HEAD_LINES])


def _authors(value: str) -> list[str]:
    """arXiv writes `A, B, C and D` (TeX accents kept as arXiv has them); affiliations in parentheses go."""
    value = re.sub(r"\([^)]*\)", " ", collapse_whitespace(value))
    return [n.strip() for n in re.split(r",|\band\b", value) if n.strip()]
