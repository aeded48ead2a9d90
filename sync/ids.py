"""arXiv identifiers: validation and normalization, done locally before any request.

One malformed id makes a whole arXiv `id_list` request fail with HTTP 400 (docs/reference.md), so every
id is checked here first. What pages and people write is normalized before it is checked: `arXiv:`
prefixes, abs/pdf/html URLs, 10.48550 DOIs, `V2` for `v2`, and old-style archives in any case
(`CS/0501076` is `cs/0501076`; a subject class is upper case: `math.GT/0309136`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

# ASCII digits only: `\d` would also take other scripts' digits, which arXiv ids never contain.
# New style (since 2007-04): YYMM.NNNN (until 2014) or YYMM.NNNNN; old style: archive(.SUBJ)/YYMMNNN.
NEW_STYLE = r"[0-9]{4}\.[0-9]{4,5}"
OLD_STYLE = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/[0-9]{7}"
# For finding ids inside free text (URLs, DOIs, "arXiv:" strings); match case-insensitively, then normalize.
ID_PATTERN = rf"(?:{NEW_STYLE}|{OLD_STYLE})(?:v[0-9]+)?"


def _anycase(word: str) -> str:
    """`arxiv` -> `[Aa][Rr][Xx][Ii][Vv]`: case-insensitive without a flag, so the pattern also works where no
    flag can be given (an OpenAPI `pattern`), and ASCII only (re.I would let `ſ` pass for `s`)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


def _one_of(*words: str) -> str:
    return "(?:" + "|".join(_anycase(w) for w in words) + ")"


_SPACE = r"[ \t\n\r\f\v]*"
_SCHEME = rf"(?:{_anycase('http')}[Ss]?://)?"
# What pages and people put before an id, each at most once and in this order: an arXiv URL, a Hugging Face
# paper URL, the 10.48550 DOI (as a URL or `doi:`), `arXiv:`.
_PREFIXES = (
    rf"(?:{_SCHEME}(?:{_one_of('www.', 'export.')}|[A-Za-z]{{2}}\.)?{_anycase('arxiv.org/')}"
    rf"{_one_of('abs', 'pdf', 'html', 'format')}/)?"
    rf"(?:{_SCHEME}(?:{_anycase('www.')})?{_anycase('huggingface.co/papers/')})?"
    rf"(?:(?:{_SCHEME}(?:{_anycase('dx.')})?{_anycase('doi.org/')}|{_anycase('doi:')}{_SPACE})?"
    rf"10\.48550/{_anycase('arxiv.')})?"
    rf"(?:{_anycase('arxiv')}{_SPACE}:{_SPACE})?"
)
# Ids that can exist: YYMM from 0704 (older ids are old style), four digits after the dot until 1412 and
# five from 1501; old style in any case (normalized below).
_NEW_4 = r"(?:07(?:0[4-9]|1[0-2])|(?:0[89]|1[0-3])(?:0[1-9]|1[0-2])|14(?:0[1-9]|1[0-2]))\.[0-9]{4}"
_NEW_5 = r"(?:1[5-9]|[2-9][0-9])(?:0[1-9]|1[0-2])\.[0-9]{5}"
_OLD = r"[A-Za-z]+(?:-[A-Za-z]+)*(?:\.[A-Za-z]{2})?/[0-9]{7}"
# After the id: a `.pdf`, a slash, a query or fragment (up to a line end).
_SUFFIX = rf"(?:{_anycase('.pdf')})?/?(?:[?#][^\n]*)?"
_TEMPLATE = rf"^\s*{_PREFIXES}(@id@{_NEW_4}|{_NEW_5}|{_OLD})(?:[Vv](@version@[0-9]+))?{_SUFFIX}\s*$"
_ID_TEXT = re.compile(_TEMPLATE.replace("@id@", "?P<id>").replace("@version@", "?P<version>"))
# The same language as a JSON Schema / OpenAPI `pattern` (no named groups): the API declares exactly what
# `parse_arxiv_id` takes (tests/arxiv/test_ids.py checks they agree on generated text).
ARXIV_ID_JSON_PATTERN = _TEMPLATE.replace("@id@", "?:").replace("@version@", "?:")


class ArxivId(NamedTuple):
    id: str  # unversioned, e.g. "2403.12943" or "hep-th/9901001"
    version: int | None  # None when the input named no version

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}v{self.version}"


def parse_arxiv_id(value: str) -> ArxivId | None:
    """Return the id in `value` (a bare id, `arXiv:` id, abs/pdf/html or Hugging Face URL, 10.48550 DOI), or
    None when it is not one, or names no paper arXiv can have (see `plausible`)."""
    match = _ID_TEXT.fullmatch(value)
    if not match:
        return None
    version = match.group("version")
    return ArxivId(_normalize_case(match.group("id")), int(version) if version else None)


def normalize_arxiv_id(value: str) -> str | None:
    """The unversioned id named by `value`, or None when it is not a well-formed arXiv id."""
    parsed = parse_arxiv_id(value)
    return parsed.id if parsed else None


def plausible(arxiv_id: str) -> bool:
    """A well-formed id that could exist (the rule `_NEW_4` / `_NEW_5` encode): new-style ids start with YYMM,
    a month 01-12 from 0704 on, with four digits after the dot until 1412 and five from 1501."""
    if "/" in arxiv_id:
        return True
    return re.fullmatch(f"{_NEW_4}|{_NEW_5}", arxiv_id) is not None


def _normalize_case(arxiv_id: str) -> str:
    """`CS/0501076` -> `cs/0501076`, `MATH.gt/0309136` -> `math.GT/0309136`; new-style ids have no letters."""
    archive, slash, number = arxiv_id.partition("/")
    if not slash:
        return arxiv_id
    name, dot, subject = archive.partition(".")
    return f"{name.lower()}{dot}{subject.upper()}/{number}"


def arxiv_doi(arxiv_id: str) -> str:
    """Every arXiv paper has the DataCite DOI 10.48550/arXiv.<id>."""
    return f"10.48550/arXiv.{arxiv_id}"


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"
