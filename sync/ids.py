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
_ID_RE = re.compile(rf"^(?P<id>{NEW_STYLE}|{OLD_STYLE})(?:v(?P<version>[0-9]+))?$")
# For finding ids inside free text (URLs, DOIs, "arXiv:" strings); match case-insensitively, then normalize.
ID_PATTERN = rf"(?:{NEW_STYLE}|{OLD_STYLE})(?:v[0-9]+)?"
_OLD_PARTS = re.compile(r"^(?P<archive>[a-z]+(?:-[a-z]+)*)(?:\.(?P<subject>[a-z]{2}))?/(?P<rest>[0-9]{7}.*)$", re.I)
_PREFIXES = (
    re.compile(r"^(?:https?://)?(?:www\.|export\.|[a-z]{2}\.)?arxiv\.org/(?:abs|pdf|html|format)/", re.I),
    re.compile(r"^(?:https?://)?(?:www\.)?huggingface\.co/papers/", re.I),
    re.compile(r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*)?10\.48550/arxiv\.", re.I),
    re.compile(r"^arxiv\s*:\s*", re.I),
)


class ArxivId(NamedTuple):
    id: str  # unversioned, e.g. "2403.12943" or "hep-th/9901001"
    version: int | None  # None when the input named no version

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}v{self.version}"


def parse_arxiv_id(value: str) -> ArxivId | None:
    """Return the id in `value` (a bare id, `arXiv:` id, abs/pdf/html URL or 10.48550 DOI), or None when
    it is not one, or names no paper arXiv can have (see `plausible`)."""
    text = value.strip()
    for prefix in _PREFIXES:
        text = prefix.sub("", text)
    text = re.sub(r"(?:\.pdf)?/?(?:[?#].*)?$", "", text, flags=re.I)
    match = _ID_RE.match(_normalize_case(text))
    if not match or not plausible(match.group("id")):
        return None
    version = match.group("version")
    return ArxivId(match.group("id"), int(version) if version else None)


def normalize_arxiv_id(value: str) -> str | None:
    """The unversioned id named by `value`, or None when it is not a well-formed arXiv id."""
    parsed = parse_arxiv_id(value)
    return parsed.id if parsed else None


def plausible(arxiv_id: str) -> bool:
    """A well-formed id that could exist: new-style ids start with YYMM, a month 01-12 from 0704 on (ids
    before April 2007 are old style), with four digits after the dot until 1412 and five from 1501."""
    if "/" in arxiv_id:
        return True
    yymm, number = int(arxiv_id[:4]), arxiv_id.split(".", 1)[1]
    return 1 <= yymm % 100 <= 12 and yymm >= 704 and (len(number) == 4) == (yymm <= 1412)


def _normalize_case(text: str) -> str:
    """`CS/0501076V2` -> `cs/0501076v2`, `MATH.gt/0309136` -> `math.GT/0309136`; new-style ids: `V` -> `v`."""
    old = _OLD_PARTS.match(text)
    if old:
        subject = f".{old.group('subject').upper()}" if old.group("subject") else ""
        return f"{old.group('archive').lower()}{subject}/{old.group('rest').lower()}"
    return re.sub(r"V(?=[0-9]+$)", "v", text)


def arxiv_doi(arxiv_id: str) -> str:
    """Every arXiv paper has the DataCite DOI 10.48550/arXiv.<id>."""
    return f"10.48550/arXiv.{arxiv_id}"


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"
