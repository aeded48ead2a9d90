"""Text normalization shared by deduplication and title matching."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_TEX_COMMAND = re.compile(r"\\[a-zA-Z]+\*?|\\.")
_MATH = re.compile(r"\$\$?(.*?)\$\$?", re.S)


def strip_tex(text: str) -> str:
    """Drop TeX markup but keep the words: `$\\alpha$-Net: {BERT}` -> `alpha -Net: BERT`."""
    text = _MATH.sub(lambda m: " " + re.sub(r"\\([a-zA-Z]+)", r"\1", m.group(1)) + " ", text)
    text = _TEX_COMMAND.sub(" ", text)
    return text.replace("{", "").replace("}", "")


def normalize_title(title: str) -> str:
    """A key for comparing titles: ASCII, lower case, TeX stripped, punctuation folded to single spaces.

    Two titles that differ only in case, accents, TeX markup, punctuation or white space get the same key.
    """
    text = unicodedata.normalize("NFKC", title or "")
    text = unidecode(strip_tex(text)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return text.strip()


def collapse_whitespace(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


# Text a paper or a request carries is plain: no C0 control characters but tab and line breaks, no DEL, no C1.
PLAIN_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def regex_literal(text: str) -> str:
    """`text` as a regular expression that matches it literally, escaping only regex syntax (valid in Python and
    in ECMA-262, which JSON Schema patterns use; `re.escape` also escapes spaces, which ECMA's u-mode refuses)."""
    return re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", text)
