"""arXiv identifiers: validation and normalization, done locally before any request.

One malformed id makes a whole arXiv `id_list` request fail with HTTP 400 (docs/reference.md), so every
id is checked here first.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# New style (since 2007-04): YYMM.NNNN (until 2014) or YYMM.NNNNN; old style: archive(.SUBJ)/YYMMNNN.
NEW_STYLE = r"\d{4}\.\d{4,5}"
OLD_STYLE = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}"
_ID_RE = re.compile(rf"^(?P<id>{NEW_STYLE}|{OLD_STYLE})(?:v(?P<version>\d+))?$")
# For finding ids inside free text (URLs, DOIs, "arXiv:" strings).
ID_PATTERN = rf"(?:{NEW_STYLE}|{OLD_STYLE})(?:v\d+)?"


class ArxivId(NamedTuple):
    id: str  # unversioned, e.g. "2403.12943" or "hep-th/9901001"
    version: int | None  # None when the input named no version

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}v{self.version}"


def parse_arxiv_id(value: str) -> ArxivId | None:
    """Return the id in `value` (a bare id, `arXiv:` id, abs/pdf/html URL or 10.48550 DOI), or None."""
    text = value.strip()
    text = re.sub(r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/", "", text, flags=re.I)
    text = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/)?10\.48550/arxiv\.", "", text, flags=re.I)
    text = re.sub(r"^arxiv:\s*", "", text, flags=re.I)
    text = re.sub(r"(?:\.pdf)?/?(?:[?#].*)?$", "", text)
    match = _ID_RE.match(text)
    if not match:
        return None
    version = match.group("version")
    return ArxivId(match.group("id"), int(version) if version else None)


def normalize_arxiv_id(value: str) -> str | None:
    """The unversioned id named by `value`, or None when it is not a well-formed arXiv id."""
    parsed = parse_arxiv_id(value)
    return parsed.id if parsed else None


def arxiv_doi(arxiv_id: str) -> str:
    """Every arXiv paper has the DataCite DOI 10.48550/arXiv.<id>."""
    return f"10.48550/arXiv.{arxiv_id}"


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"
