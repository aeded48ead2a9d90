"""Author names from arXiv ("First Middle von Last Jr.") turned into BibTeX's `von Last, Jr, First` form."""

from __future__ import annotations

import re
from typing import NamedTuple

from unidecode import unidecode

from paperdrop.sync.bibtex.latex import tex_text

# Lower-case words before the last name that belong to it (BibTeX's "von part").
PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "lo",
        "ten",
        "ter",
        "zu",
        "zur",
        "vom",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
    ]
)
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"})
# Authors that are groups, not people: BibTeX must not split them into first/last (braced as one unit).
_GROUP = re.compile(r"\b(collaboration|consortium|team|group|project|committee|society|institute)\b", re.IGNORECASE)


class PersonName(NamedTuple):
    first: str
    von: str
    last: str
    jr: str


def split_name(name: str) -> PersonName:
    """Split an arXiv author name. `Jan van der Berg` -> first `Jan`, von `van der`, last `Berg`."""
    clean = re.sub(r"\s+", " ", name or "").strip().replace(" ,", ",")
    head, _, tail = clean.rpartition(",")
    if head and tail.strip().lower() in SUFFIXES and "," not in head:
        return split_name(head)._replace(jr=tail.strip())  # "Martin Luther King, Jr."
    if "," in clean:
        return _split_comma_form(clean)
    words = clean.split(" ")
    jr = ""
    if len(words) > 2 and words[-1].lower().rstrip(",") in SUFFIXES:
        jr = words.pop().rstrip(",")
        words[-1] = words[-1].rstrip(",")
    if len(words) == 1:
        return PersonName("", "", words[0], jr)
    start = len(words) - 1
    # Walk left over particles: "Ludwig van Beethoven", "Jean de la Fontaine".
    while start > 1 and words[start - 1].lower() in PARTICLES:
        start -= 1
    von_words = words[start:-1]
    return PersonName(" ".join(words[:start]), " ".join(von_words), words[-1], jr)


def _split_comma_form(name: str) -> PersonName:
    """Names already written `Last, First` or `Last, Jr., First`."""
    parts = [p.strip() for p in name.split(",")]
    last_words = parts[0].split()
    von = [w for w in last_words[:-1] if w.lower() in PARTICLES]
    last = " ".join(last_words[len(von) :])
    if len(parts) >= 3:
        return PersonName(", ".join(parts[2:]), " ".join(von), last, parts[1])
    return PersonName(parts[1] if len(parts) > 1 else "", " ".join(von), last, "")


def bibtex_name(name: str) -> str:
    """One author as BibTeX reads it: `van der Berg, Jan`, `King, Jr., Martin Luther`, `{ATLAS Collaboration}`."""
    clean = re.sub(r"\s+", " ", name or "").strip()
    if _GROUP.search(clean) or re.search(r"\band\b", clean, re.IGNORECASE):
        return "{" + tex_text(clean) + "}"
    person = split_name(clean)
    last = " ".join(part for part in (person.von, person.last) if part)
    fields = [last] + ([person.jr] if person.jr else []) + ([person.first] if person.first else [])
    return tex_text(", ".join(fields))


def bibtex_authors(names: list[str]) -> str:
    """The `author` field: every author, joined with ` and ` (no truncation, even for 40 authors)."""
    return " and ".join(bibtex_name(n) for n in names if n and n.strip())


def last_name_ascii(name: str) -> str:
    """The first author's last name for citekeys: no particle, ASCII, lower case (`Müller` -> `muller`)."""
    clean = re.sub(r"\s+", " ", name or "").strip()
    if _GROUP.search(clean):  # "The ATLAS Collaboration" -> atlas
        words = [w for w in clean.split(" ") if w.lower() != "the"]
        text = words[0] if words else clean
    else:
        text = split_name(clean).last
    return re.sub(r"[^a-z0-9]", "", unidecode(text).lower())
