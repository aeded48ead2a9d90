"""Plain-text sources: digest title/abstract blocks, and any text that names arXiv papers by id or link."""

from __future__ import annotations

import re

from paperdrop.sync.ids import ID_PATTERN, NEW_STYLE, normalize_arxiv_id
from paperdrop.sync.records import ClipInput
from paperdrop.sync.text import collapse_whitespace

# Old-style archives, so that a bare "word/1234567" in prose is not taken for an id.
_ARCHIVES = (
    r"(?:astro-ph|cond-mat|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|math|nlin|nucl-ex|nucl-th|"
    r"physics|quant-ph|q-bio|q-fin|cs|stat)(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"
)
_LINKED_ID = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/|10\.48550/arxiv\.|arxiv:\s*)({ID_PATTERN})",
    re.IGNORECASE,
)
_BARE_ID = re.compile(rf"(?<![\w./-])({NEW_STYLE}(?:v\d+)?|{_ARCHIVES})(?![\w/]|\.\d)")
_CHROME = re.compile(
    r"^(?:new|subscribe|daily papers|trending|papers|get trending papers.*|by\s*ak and the research community|"
    r"submitted by.*|\d+|upvote.*|\W*|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}"
    r"(?:,? \d{4})?|\d{4}-\d{2}-\d{2}|·.*)$",
    re.IGNORECASE,
)
ABSTRACT_MIN_WORDS = 20
TITLE_MAX_CHARS = 300


def find_ids(text: str) -> list[str]:
    """Unversioned ids named in `text` (links, DOIs, `arXiv:` strings, bare ids), in order of appearance."""
    found: list[tuple[int, str]] = []
    for pattern in (_LINKED_ID, _BARE_ID):
        for match in pattern.finditer(text):
            arxiv_id = normalize_arxiv_id(match.group(1))
            if arxiv_id and _plausible(arxiv_id):
                found.append((match.start(1), arxiv_id))
    return list(dict.fromkeys(i for _, i in sorted(found)))


def parse_id_text(text: str, source_site: str | None = None) -> list[ClipInput]:
    return [ClipInput(arxiv_id=i, url=f"https://arxiv.org/abs/{i}", source_site=source_site) for i in find_ids(text)]


def parse_digest_text(text: str) -> list[ClipInput]:
    """Title / abstract blocks: a one-line title paragraph followed by a long paragraph. Titles standing
    alone are kept only when the text has no abstracts at all (a plain list of titles)."""
    paragraphs = [p for p in _paragraphs(text) if not _CHROME.match(p)]
    clips, i = [], 0
    while i < len(paragraphs):
        para = paragraphs[i]
        following = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if _is_title(para) and following and _is_abstract(following):
            clips.append(ClipInput(title=para, abstract=following, source_site="text"))
            i += 2
            continue
        i += 1
    if clips:
        return clips
    return [ClipInput(title=p, source_site="text") for p in paragraphs if _is_title(p)]


def _paragraphs(text: str) -> list[str]:
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    out = []
    for block in blocks:
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if len(lines) > 1 and all(_is_title(ln) for ln in lines):
            out.extend(lines)  # a list of titles, one per line
        elif lines:
            out.append(collapse_whitespace(" ".join(lines)))
    return out


def _is_title(para: str) -> bool:
    words = para.split()
    return (
        2 <= len(words) <= 40
        and len(para) <= TITLE_MAX_CHARS
        and not para.endswith((".", "!", "?"))
        and (para[0].isupper() or para[0].isdigit() or para[0] in "$\\{")
    )


def _is_abstract(para: str) -> bool:
    return len(para.split()) >= ABSTRACT_MIN_WORDS


def _plausible(arxiv_id: str) -> bool:
    """New-style ids start with YYMM: month 01-12 and from 0704 on (ids before April 2007 are old style)."""
    if "/" in arxiv_id:
        return True
    yymm = int(arxiv_id[:4])
    return 1 <= yymm % 100 <= 12 and yymm >= 704
