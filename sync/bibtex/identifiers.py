"""What makes two BibTeX entries the same paper: arXiv id, publisher DOI, normalized title.

docs/design.md "Exactly once": dedupe by arXiv id (eprint, arXiv URL, 10.48550 DOI), publisher DOI and normalized
title against the file as it is now, whoever wrote the entry. Identifiers are plain strings
(`arxiv:<id>`, `doi:<lower-case doi>`, `title:<normalized>`) so the index can store them in one column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from paperdrop.sync.ids import ID_PATTERN, normalize_arxiv_id
from paperdrop.sync.records import PaperRecord
from paperdrop.sync.text import normalize_title

# `arXiv:2403.12943`, `arXiv preprint arXiv:hep-th/9901001`, `arxiv.org/abs/2403.12943v2` in free text.
_ARXIV_IN_TEXT = re.compile(rf"(?:arxiv\s*:\s*|arxiv\.org/(?:abs|pdf)/)({ID_PATTERN})", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_TEX_ESCAPE = re.compile(r"\\([_%#&~])")
# TeX accents (`M{\"u}ller`, `\'{e}`, `\c c`) and letters (`\ss`, `\o`): spelled as the plain letter, so a
# hand-written title normalizes like arXiv's Unicode one (`normalize_title` would split the word). Letter
# accents need a space or brace after them, so `\delta` or `\url` are not read as accents.
_TEX_ACCENT = re.compile(r"\\(?:[`'^\"~=.]\s*|[uvHckrbd](?:\s+|(?=\{)))(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))")
_TEX_LETTER = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])\s*(?:\{\})?")


def arxiv_key(arxiv_id: str) -> str:
    return f"arxiv:{arxiv_id}"


def doi_key(doi: str) -> str | None:
    clean = _DOI_PREFIX.sub("", _clean(doi)).lower()
    return f"doi:{clean}" if clean.startswith("10.") else None


def title_key(title: str) -> str | None:
    plain = _TEX_ACCENT.sub(lambda m: m.group(1) or m.group(2), title)
    normalized = normalize_title(_TEX_LETTER.sub(r"\1", plain))
    return f"title:{normalized}" if normalized else None


def paper_identifiers(paper: PaperRecord) -> list[str]:
    """The identifiers a new paper is looked up by, strongest first."""
    keys = [arxiv_key(paper.arxiv_id)]
    if paper.doi and (doi := doi_key(paper.doi)):
        keys.append(doi)
    if title := title_key(paper.title):
        keys.append(title)
    return keys


def entry_identifiers(fields: Mapping[str, str]) -> set[str]:
    """Identifiers of a scanned entry (field names lower case, values as written)."""
    found: set[str] = set()
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").strip("{} ").lower()
    if fields.get("eprint") and prefix == "arxiv":
        _add_arxiv(found, fields["eprint"])
    if fields.get("arxivid"):
        _add_arxiv(found, fields["arxivid"])
    if doi := fields.get("doi"):
        arxiv_id = normalize_arxiv_id(_clean(doi))
        if arxiv_id:
            found.add(arxiv_key(arxiv_id))
        elif key := doi_key(doi):
            found.add(key)
    for name in ("journal", "note", "howpublished", "url"):
        value = fields.get(name, "")
        if "arxiv" not in value.lower():  # the common case, and much cheaper than the regex
            continue
        for match in _ARXIV_IN_TEXT.finditer(_clean(value)):
            _add_arxiv(found, match.group(1))
    if fields.get("title") and (title := title_key(fields["title"])):
        found.add(title)
    return found


def _add_arxiv(found: set[str], value: str) -> None:
    arxiv_id = normalize_arxiv_id(_clean(value))
    if arxiv_id:
        found.add(arxiv_key(arxiv_id))


def _clean(value: str) -> str:
    """Drop BibTeX grouping and TeX escapes from an identifier value: `{10.1000/a\\_b}` -> `10.1000/a_b`."""
    return _TEX_ESCAPE.sub(r"\1", value.replace("{", "").replace("}", "")).strip()
