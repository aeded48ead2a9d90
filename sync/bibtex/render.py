"""Papers rendered as BibTeX entries with bibtexparser 1.x, and checked by parsing them back.

A preprint is `@misc`; a paper whose published version is known (Crossref, `PaperRecord.publication`) becomes
`@article` / `@inproceedings` / `@incollection` with its venue, keeping its arXiv identity (eprint,
archivePrefix, primaryClass), as docs/design.md "Formats" asks.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bibtexparser.bibdatabase import BibDatabase
from bibtexparser.bparser import BibTexParser
from bibtexparser.bwriter import BibTexWriter
from bibtexparser.latexenc import unicode_to_latex_map
from unidecode import unidecode

from paperdrop.sync.bibtex.citekeys import DEFAULT_PATTERN, validate_pattern
from paperdrop.sync.bibtex.latex import tex_text, tex_title, verbatim
from paperdrop.sync.bibtex.names import bibtex_authors
from paperdrop.sync.errors import ConfigurationError, PermanentError
from paperdrop.sync.ids import abs_url, arxiv_doi
from paperdrop.sync.records import ClipContext, PaperRecord, Publication

# docs/design.md "Formats": these fields work for both BibTeX and biblatex.
FIELD_ORDER = [
    "title", "author", "journal", "booktitle", "volume", "number", "pages", "year", "eprint", "archivePrefix",
    "primaryClass", "doi", "url", "abstract", "keywords", "note", "addendum",
]  # fmt: skip
# Crossref work type -> (BibTeX entry type, the field that names the venue). Other types (posted-content is a
# preprint server's copy, a dataset, ...) keep the paper a preprint.
PUBLISHED_TYPES = {
    "journal-article": ("article", "journal"),
    "proceedings-article": ("inproceedings", "booktitle"),
    "book-chapter": ("incollection", "booktitle"),
}
_PAGE_RANGE = re.compile(r"^\s*(\w+)\s*[-\u2010-\u2015]+\s*(\w+)\s*$")


@dataclass(frozen=True)
class BibtexOptions:
    """Per-target rendering choices. `note` names the field that carries where the paper was clipped
    ("note" or "addendum"); None (the default) writes no context at all."""

    key_pattern: str = DEFAULT_PATTERN
    include_abstract: bool = False
    include_keywords: bool = False
    note: Literal["note", "addendum"] | None = None

    def __post_init__(self) -> None:
        validate_pattern(self.key_pattern)
        if self.note not in (None, "note", "addendum"):
            raise ConfigurationError(
                f"BibTeX option note={self.note!r} is not supported.",
                fix="Set note to 'note', 'addendum', or leave it unset.",
            )


def entry_fields(
    paper: PaperRecord, key: str, options: BibtexOptions, contexts: Sequence[ClipContext] = ()
) -> dict[str, str]:
    """The bibtexparser entry dict for one paper (values already TeX-safe)."""
    fields = {
        "ENTRYTYPE": "misc",
        "ID": key,
        "title": tex_title(paper.title),
        "author": bibtex_authors(paper.authors),
        "year": str(paper.published.year),
        "eprint": verbatim(paper.arxiv_id),
        "archivePrefix": "arXiv",
        "primaryClass": verbatim(paper.primary_category),
        "doi": verbatim(paper.doi or arxiv_doi(paper.arxiv_id)),
        "url": verbatim(abs_url(paper.arxiv_id)),
    }
    if options.include_abstract and paper.abstract:
        fields["abstract"] = tex_text(paper.abstract)
    if options.include_keywords and paper.categories:
        fields["keywords"] = verbatim(", ".join(paper.categories))
    context = context_line(contexts)
    if options.note and context:
        fields[options.note] = tex_text(context)
    if paper.publication is not None and paper.publication.type in PUBLISHED_TYPES:
        fields.update(venue_fields(paper.publication, paper))
    return {name: value for name, value in fields.items() if value}


def venue_fields(publication: Publication, paper: PaperRecord) -> dict[str, str]:
    """Entry type, venue, volume, number, pages, year and DOI of the published version."""
    kind, venue = PUBLISHED_TYPES[publication.type]
    year = (publication.date or "")[:4]
    return {
        "ENTRYTYPE": kind,
        venue: tex_text(publication.container_title or ""),
        "volume": tex_text(publication.volume or "") if kind == "article" else "",
        "number": tex_text(publication.issue or "") if kind == "article" else "",
        "pages": tex_text(page_range(publication.pages or "")),
        "year": year if year.isdigit() else str(paper.published.year),
        "doi": verbatim(publication.doi),
    }


def page_range(pages: str) -> str:
    """Crossref's `123-130` (or an en dash) as BibTeX's `123--130`; anything else as it is."""
    match = _PAGE_RANGE.match(pages)
    return f"{match.group(1)}--{match.group(2)}" if match else pages.strip()


def ascii_fields(fields: dict[str, str]) -> dict[str, str]:
    """Field values for a file that is not UTF-8: letters beyond ASCII as TeX commands (`é` -> `{\\'e}`, math
    symbols in `\\ensuremath`), the rest as their closest ASCII, so the bytes mean the same in any encoding."""
    return {name: value if value.isascii() else _ascii(value) for name, value in fields.items()}


def _ascii(text: str) -> str:
    out = []
    for char in text:
        command = unicode_to_latex_map.get(char) if not char.isascii() else None
        if char.isascii():
            out.append(char)
        elif command and command.isascii() and command.startswith("{"):
            out.append(command)
        elif command and command.isascii() and command.startswith("\\text"):
            out.append("{" + command.rstrip() + "}")  # braced: `a{\\textemdash}b`, never `a\\textemdashb`
        elif command and command.isascii() and command.startswith("\\"):
            out.append("{\\ensuremath{" + command.rstrip() + "}}")
        else:
            out.append(unidecode(char))
    return "".join(out)


def context_line(contexts: Sequence[ClipContext]) -> str:
    """Where the paper was found, one clause per clip: `Clipped from huggingface.co (URL); 42 upvotes; ...`."""
    clauses = []
    for context in contexts:
        where = " ".join(p for p in (context.source_site, f"({context.source_url})" if context.source_url else "") if p)
        parts = [f"Clipped from {where}"] if where else []
        extra = context.extra or {}
        if extra.get("upvotes") is not None:
            parts.append(f"{extra['upvotes']} upvotes")
        for name, label in (("github", "code"), ("project_page", "project")):
            if extra.get(name):
                parts.append(f"{label}: {extra[name]}")
        if parts:
            clauses.append("; ".join(parts))
    return ". ".join(dict.fromkeys(clauses))  # the same page clipped twice says it once


def write_entries(entries: list[dict[str, str]]) -> list[str]:
    """Each entry's text as BibTexWriter writes it, ending in a newline."""
    writer = BibTexWriter()
    writer.indent = "  "
    writer.order_entries_by = None
    writer.display_order = FIELD_ORDER
    return [writer.write(_database([entry])) for entry in entries]


def check_parses(texts: list[str], entries: list[dict[str, str]]) -> list[str | None]:
    """Parse the rendered texts back; per entry None when it reads back identical, else what differed.

    One parse for the batch (bibtexparser costs ~1 ms per entry); entry by entry only when that fails."""
    problems = _compare(_parse("\n".join(texts)), entries)
    if all(problem is None for problem in problems):
        return problems
    return [_compare(_parse(text), [entry])[0] for text, entry in zip(texts, entries, strict=True)]


def render_entries(items: list[tuple[PaperRecord, str]], options: BibtexOptions | None = None) -> str:
    """(paper, citekey) pairs -> .bib text, one blank line between entries. Raises PermanentError if an
    entry would not read back as written (a bug to report, never a file to corrupt)."""
    options = options or BibtexOptions()
    entries = [entry_fields(paper, key, options) for paper, key in items]
    texts = write_entries(entries)
    for entry, problem in zip(entries, check_parses(texts, entries), strict=True):
        if problem:
            raise PermanentError(f"BibTeX entry {entry['ID']} does not parse back: {problem}.")
    return "\n".join(texts)


def _database(entries: list[dict[str, str]]) -> BibDatabase:
    database = BibDatabase()
    database.entries = entries
    return database


def _parse(text: str) -> list[dict[str, str]]:
    parser = _parser()
    parser.bib_database = BibDatabase()  # reused parser, fresh result (its parse actions read this attribute)
    try:
        entries: list[dict[str, str]] = parser.parse(text).entries
        return entries
    except Exception:  # noqa: BLE001 - bibtexparser raises pyparsing internals on broken input
        return []


_local = threading.local()


def _parser() -> BibTexParser:
    """One parser per thread: building bibtexparser's grammar costs more than parsing one entry."""
    if getattr(_local, "parser", None) is None:
        parser = BibTexParser(common_strings=False, ignore_nonstandard_types=False, interpolate_strings=False)
        parser.expect_multiple_parse = True
        _local.parser = parser
    return _local.parser


def _compare(parsed: list[dict[str, str]], entries: list[dict[str, str]]) -> list[str | None]:
    by_key = {entry["ID"]: entry for entry in parsed}
    problems: list[str | None] = []
    for entry in entries:
        got = by_key.get(entry["ID"])
        want = {name.lower() if name not in ("ID", "ENTRYTYPE") else name: v for name, v in entry.items()}
        if got is None:
            problems.append("no entry read back")
        elif got != want:
            diff = sorted(name for name in want.keys() | got.keys() if want.get(name) != got.get(name))
            problems.append(f"fields {', '.join(diff)} changed")
        else:
            problems.append(None)
    return problems
