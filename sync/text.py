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
