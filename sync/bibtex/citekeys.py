"""Citekeys: `<last name><year><first significant title word>`, lower-case ASCII, unique in the file."""

from __future__ import annotations

import re
import string
from collections.abc import Container, Iterator

from unidecode import unidecode

from paperdrop.sync.bibtex.names import last_name_ascii
from paperdrop.sync.errors import ConfigurationError
from paperdrop.sync.records import PaperRecord
from paperdrop.sync.text import strip_tex

DEFAULT_PATTERN = "{author}{year}{word}"
PLACEHOLDERS = ("author", "year", "word", "title", "id")
# Words skipped when looking for the first significant title word (as Zotero and Better BibTeX do).
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "of",
        "on",
        "in",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "without",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "as",
        "via",
        "vs",
        "is",
        "are",
        "be",
        "do",
        "does",
        "can",
        "how",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "towards",
        "toward",
        "through",
        "using",
        "its",
        "our",
        "your",
        "this",
        "that",
        "these",
        "those",
        "we",
        "you",
    ]
)
_KEY_CHARS = re.compile(r"[^a-z0-9_:.\-]")


def validate_pattern(pattern: str) -> str:
    """Raise ConfigurationError for a pattern naming an unknown placeholder; return the pattern."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        raise ConfigurationError(f"Citekey pattern {pattern!r} is malformed: {exc}.", fix=_PATTERN_FIX) from exc
    unknown = [name for name in names if name not in PLACEHOLDERS]
    if unknown or not names:
        raise ConfigurationError(f"Citekey pattern {pattern!r} names {unknown or 'no field'}.", fix=_PATTERN_FIX)
    return pattern


_PATTERN_FIX = "Use the placeholders {author}, {year}, {word}, {title} and {id}, e.g. '{author}{year}{word}'."


def base_citekey(paper: PaperRecord, pattern: str = DEFAULT_PATTERN) -> str:
    """The key before collision suffixes: `jain2024vid2robot` for Jain et al. 2024, "Vid2Robot: ..."."""
    words = significant_words(paper.title)
    values = {
        "author": (last_name_ascii(paper.authors[0]) if paper.authors else "") or "anon",
        "year": str(paper.published.year),
        "word": words[0] if words else "paper",
        "title": "".join(words[:3]) or "paper",
        "id": re.sub(r"[^a-z0-9]", "", paper.arxiv_id.lower()),
    }
    key = validate_pattern(pattern).format_map(values)
    return _KEY_CHARS.sub("", unidecode(key).lower()) or "paper"


def significant_words(title: str) -> list[str]:
    """Title words in lower-case ASCII, math and TeX stripped, stopwords dropped: `The $x$-Net` -> net."""
    # Math is dropped, not spelled out: `$\mathcal{O}(n)$ Attention` keys as `attention`, not `mathcalo`.
    without_math = re.sub(r"(?<!\\)\$.*?(?<!\\)\$", " ", title or "")
    words = re.split(r"[^a-z0-9]+", unidecode(strip_tex(without_math)).lower())
    return [w for w in words if w and w not in STOPWORDS]


def make_citekey(paper: PaperRecord, taken: Container[str], pattern: str = DEFAULT_PATTERN) -> str:
    """A key for `paper` not in `taken`: the base key, else base + a, b, ..., z, aa, ab, ...

    Keys compare case-insensitively (BibTeX warns about keys differing only in case): a set is lower-cased
    here; any other container (the file index) must answer for lower-case keys itself. The caller adds the
    returned key to `taken`."""
    base = base_citekey(paper, pattern)
    lowered = {key.lower() for key in taken} if isinstance(taken, (set, frozenset)) else taken
    for suffix in _suffixes():
        if (base + suffix) not in lowered:
            return base + suffix
    raise AssertionError("unreachable: suffixes are endless")


def _suffixes() -> Iterator[str]:
    yield ""
    letters = string.ascii_lowercase
    yield from letters
    size = 2
    while True:
        for index in range(len(letters) ** size):
            chars = []
            for _ in range(size):
                index, rest = divmod(index, len(letters))
                chars.append(letters[rest])
            yield "".join(reversed(chars))
        size += 1
