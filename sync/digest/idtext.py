"""arXiv ids named in free text: links, DOIs, `arXiv:` strings and bare ids, each with the version it names."""

from __future__ import annotations

import re

from paperdrop.sync.ids import ID_PATTERN, NEW_STYLE, ArxivId, abs_url, parse_arxiv_id
from paperdrop.sync.records import ClipInput

# Old-style archives, so that a bare "word/1234567" in prose is not taken for an id; any case (`CS/0501076`).
_ARCHIVES = (
    r"(?i:astro-ph|cond-mat|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|math|nlin|nucl-ex|nucl-th|"
    r"physics|quant-ph|q-bio|q-fin|cs|stat)(?:\.[A-Za-z]{2})?/[0-9]{7}(?:[vV][0-9]+)?"
)
_LINKED_ID = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/|10\.48550/arxiv\.|arxiv:\s*)({ID_PATTERN})",
    re.IGNORECASE,
)
_BARE_ID = re.compile(rf"(?<![\w./-])({NEW_STYLE}(?:[vV][0-9]+)?|{_ARCHIVES})(?![\w/]|\.[0-9])")
# What follows an `arXiv:` prefix or an arxiv.org link and looks meant as an id, valid or not.
_CLAIMED_ID = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|arxiv:\s*)([0-9][0-9.]*[0-9](?:v[0-9]+)?|[a-z-]+(?:\.[a-z]{2})?/[0-9]+)",
    re.IGNORECASE,
)


def find_id_mentions(text: str) -> list[tuple[int, ArxivId]]:
    """Every id named in `text` with its position, in order of appearance (repeats included); numbers shaped
    like ids that no paper can have (`1234.56789`) are not ids."""
    found: dict[int, ArxivId] = {}
    for pattern in (_LINKED_ID, _BARE_ID):
        for match in pattern.finditer(text):
            parsed = parse_arxiv_id(match.group(1))
            # A bare id right after `arXiv:` is the mention the linked pattern found at the same place.
            if parsed and match.start(1) not in found:
                found[match.start(1)] = parsed
    return sorted(found.items())


def find_ids(text: str) -> list[str]:
    """Unversioned ids named in `text`, each once, in order of appearance."""
    return list(dict.fromkeys(parsed.id for _, parsed in find_id_mentions(text)))


def malformed_ids(text: str) -> list[str]:
    """What `text` offers as arXiv ids (after `arXiv:` or in an arxiv.org link) that no arXiv paper can have."""
    bad = []
    for match in _CLAIMED_ID.finditer(text):
        parsed = parse_arxiv_id(match.group(1))
        if parsed is None:
            bad.append(match.group(1))
    return bad


def id_clips(mentions: list[ArxivId], source_site: str | None = None) -> list[ClipInput]:
    """One clip per id, keeping the first version the text names for it."""
    versions: dict[str, int | None] = {}
    for parsed in mentions:
        if versions.get(parsed.id) is None:
            versions[parsed.id] = parsed.version
    return [ClipInput(arxiv_id=i, version=v, url=abs_url(i), source_site=source_site) for i, v in versions.items()]
