"""Plain-text sources: digest title / abstract blocks, lists of titles, and text that names papers by id.

The text is read line by line. Page chrome (sync.digest.chrome) is dropped and, like a blank line, ends
what came before it. Lines that continue one another (a wrapped title or abstract) are joined into units;
a unit is a title, an abstract, a line of author names, a line naming arXiv ids, or something else. A
title followed by an abstract is a paper; a title standing alone is kept as a title-only paper (and said so
when the text also has abstracts); ids inside an abstract are mentions, not papers; the rest is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from paperdrop.sync.digest.chrome import clean_line, full_date, is_chrome
from paperdrop.sync.digest.idtext import find_id_mentions, id_clips, malformed_ids
from paperdrop.sync.digest.report import SourceNote, SourceReport
from paperdrop.sync.records import ClipInput

ABSTRACT_MIN_WORDS = 20
TITLE_MAX_WORDS = 40
TITLE_MAX_CHARS = 300
TITLE_CASE = 0.6  # share of capitalized words above which a long line reads as a title, not as prose
NOT_USED = "not a title, an abstract or an arXiv id, skipped"
PROSE_SAMPLE = 400  # characters of a unit enough to tell prose from a title (keeps long pastes linear)
# A line ending in one of these words is continued on the next line (a wrapped title or sentence).
_JOINER_TEXT = "a an and as at by for from in into of on or the to via with its their our is are"
_JOINERS = frozenset(_JOINER_TEXT.split())
_PARTICLE_TEXT = "van von de der den da di du la le del dos das bin al el y"
_PARTICLES = frozenset(_PARTICLE_TEXT.split())
# Words of titles that are never names: keep "Language Models, Agent Models, and World Models" a title.
_TITLE_WORD_TEXT = """model models learning network networks data dataset datasets language languages agent agents
policy policies robot robots vision transformer transformers diffusion reinforcement optimization training
benchmark benchmarks generation reasoning attention world control systems system neural deep large scaling video
image images graph graphs towards beyond via"""
_TITLE_WORDS = frozenset(_TITLE_WORD_TEXT.split())
_WORD = re.compile(r"[^\W\d_][\w'’.-]*|[0-9][\w.-]*")
_TITLE_PREFIX = re.compile(r"^title\s*:\s*", re.I)
_AUTHORS_PREFIX = re.compile(r"^authors?\s*:\s*", re.I)
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")
_LINKISH = re.compile(r"arxiv|huggingface|10\.48550|://", re.I)


@dataclass
class _Unit:
    line: int  # 1-based number of its first line
    parts: list[str] = field(default_factory=list)
    words: int = 0

    def add(self, part: str) -> None:
        self.parts.append(part)
        self.words += len(part.split())

    @property
    def text(self) -> str:
        """The lines joined; a word hyphenated at a line's end is joined without a space ("Video-" + "based")."""
        pieces = [self.parts[0]]
        for previous, part in zip(self.parts, self.parts[1:], strict=False):
            pieces.append(part if re.search(r"\w-$", previous) else " " + part)
        return "".join(pieces)

    def start(self) -> str:
        """Enough of the beginning to tell prose from a title, however long the unit grows."""
        taken, size = [], 0
        for part in self.parts:
            taken.append(part)
            size += len(part)
            if size >= PROSE_SAMPLE:
                break
        return " ".join(taken)


def parse_text(text: str, source_site: str | None = "text") -> SourceReport:
    """Everything a text source names: papers by title (with abstract and authors when shown) or by id."""
    lines = [clean_line(raw) for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    units, digest_date = _units(lines)
    report = _Reader(units, source_site).read()
    for clip in report.clips:
        if digest_date:
            clip.extra.setdefault("listed_on", digest_date.isoformat())
    malformed = _malformed(lines)
    explained = {note.line for note in malformed}  # a bad id says more than "not a title"
    report.notes = [n for n in report.notes if n.line not in explained or n.message != NOT_USED] + malformed
    report.notes.sort(key=lambda note: note.line or 0)
    return report


def _units(lines: list[str]) -> tuple[list[_Unit], date | None]:
    units: list[_Unit] = []
    current: _Unit | None = None
    digest_date: date | None = None
    for index, line in enumerate(lines):
        if not line or is_chrome(line):
            digest_date = digest_date or (full_date(line) if line else None)
            current = None
            continue
        if current is None or not _continues(current, line, _next_in_block(lines, index)):
            current = _Unit(index + 1)
            units.append(current)
        current.add(line)
    return units, digest_date


def _next_in_block(lines: list[str], index: int) -> str | None:
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return following if following and not is_chrome(following) else None


def _continues(unit: _Unit, line: str, after: str | None) -> bool:
    """Does `line` go on with `unit` (a wrapped line) rather than start something new?"""
    last = unit.parts[-1]
    if _wrapped(last, line):
        return True
    if unit.words >= ABSTRACT_MIN_WORDS and not _title_case(unit.start()):
        # Prose goes on, unless a sentence ended and a title starts that a one-line abstract follows.
        starts_paper = last.endswith((".", "?", "!")) and is_title(line) and after is not None and _long(after)
        return not starts_paper
    return False


def _wrapped(last: str, line: str) -> bool:
    """`last` was cut in the middle: a hyphen, a comma, a joining word, or a next line in lower case."""
    if re.search(r"(?:\w-|[,;(/&—])$", last) or last.rsplit(None, 1)[-1] in _JOINERS:
        return True
    if line[0] in ",.;:)]}":
        return True
    return bool(re.match(r"[a-z][a-z'’]*\b(?![-0-9])", line)) and not _title_case(line)


def _long(line: str) -> bool:
    return len(line.split()) >= ABSTRACT_MIN_WORDS


def _title_case(text: str) -> bool:
    words = [w for w in _WORD.findall(text) if w.lower() not in _JOINERS]
    if not words:
        return False
    capitalized = sum(1 for w in words if not w.islower())
    return capitalized / len(words) >= TITLE_CASE


def is_title(text: str) -> bool:
    """A paper title by its shape, whatever it ends with (`?`, `!` and `.` included)."""
    words = text.split()
    if not (2 <= len(words) <= TITLE_MAX_WORDS and len(text) <= TITLE_MAX_CHARS) or "://" in text:
        return False
    if len(_SENTENCE_BREAK.findall(text)) > 1 or author_names(text):
        return False
    first = words[0]
    if first[0].isupper() or first[0].isdigit() or first[0] in "$\\{\"'(“‘":
        return True
    # Lower-case starts of real titles: "s1: Simple test-time scaling", "mPLUG-Owl", "gzip Predicts ...".
    return any(c.isupper() or c.isdigit() for c in first) or _title_case(text)


def author_names(text: str) -> list[str] | None:
    """The names of a line of authors ("Vidhi Jain, Maria Attarian and Yonatan Bisk"), else None."""
    prefixed = bool(_AUTHORS_PREFIX.match(text))
    names = [n.strip() for n in re.split(r",|;|\band\b|&", _AUTHORS_PREFIX.sub("", text)) if n.strip()]
    if (prefixed or len(names) >= 2) and names and all(_is_name(n) for n in names):
        return names
    return None


def _is_name(name: str) -> bool:
    tokens = name.split()
    if not 2 <= len(tokens) <= 5:
        return False
    for token in tokens:
        if token.lower() in _TITLE_WORDS or any(c.isdigit() for c in token) or ":" in token:
            return False
        if not (token[0].isupper() or token.lower() in _PARTICLES):
            return False
    return True


def _short_sentence(unit: _Unit) -> bool:
    """A sentence in sentence case ending in a full stop: read as a title only when no title precedes it."""
    text = unit.text
    return 3 <= unit.words < ABSTRACT_MIN_WORDS and text.endswith(".") and not _title_case(text)


def _is_abstract(unit: _Unit) -> bool:
    return unit.words >= ABSTRACT_MIN_WORDS and (unit.words > TITLE_MAX_WORDS or not _title_case(unit.text))


class _Reader:
    """Walks the units once, pairing titles with what follows them."""

    def __init__(self, units: list[_Unit], source_site: str | None):
        self.units, self.source_site = units, source_site
        self.report = SourceReport()
        self.lone_titles: list[tuple[_Unit, ClipInput]] = []
        self.mentioned: list[str] = []
        self.paired = 0

    def read(self) -> SourceReport:
        i = 0
        while i < len(self.units):
            i = self._step(i)
        if self.paired:  # the text has abstracts: a title without one is worth a word
            for unit, _ in self.lone_titles:
                self._note(unit, "a title without an abstract, kept as title-only")
        listed = {c.arxiv_id for c in self.report.clips if c.arxiv_id}
        self.report.mentioned = [i for i in dict.fromkeys(self.mentioned) if i not in listed]
        return self.report

    def _step(self, i: int) -> int:
        unit = self.units[i]
        text = _TITLE_PREFIX.sub("", unit.text)
        if _is_abstract(unit):
            self._prose(unit)
            return i + 1
        if find_id_mentions(text):
            self._ids(unit, text)
            return i + 1
        if is_title(text):
            return self._paper(i, text)
        if author_names(text):
            self._note(unit, "author names without a title, skipped")
        else:
            self._note(unit, NOT_USED)
        return i + 1

    def _paper(self, i: int, title: str) -> int:
        j, authors = i + 1, []
        if j < len(self.units) and not _is_abstract(self.units[j]) and (names := author_names(self.units[j].text)):
            authors, j = names, j + 1
        abstract = self.units[j] if j < len(self.units) and _is_abstract(self.units[j]) else None
        clip = ClipInput(title=title, authors=authors, source_site=self.source_site)
        self.report.clips.append(clip)
        if abstract is None:
            self.lone_titles.append((self.units[i], clip))
            if j < len(self.units) and _short_sentence(self.units[j]):
                # "Title" then "We show that teacups attract biscuits.": a summary, too short to compare with
                # arXiv's abstract (it would only seem to contradict it); not a second title either.
                self._note(self.units[j], "a sentence too short for an abstract, after a title: skipped")
                return j + 1
            return j
        clip.abstract = abstract.text
        self.mentioned += [p.id for _, p in find_id_mentions(abstract.text)]
        self.paired += 1
        return j + 1

    def _ids(self, unit: _Unit, text: str) -> None:
        mentions = [parsed for _, parsed in find_id_mentions(text)]
        clips = id_clips(mentions, self.source_site if self.source_site != "text" else None)
        words = [w for w in text.split() if not find_id_mentions(w) and not _LINKISH.search(w)]
        rest = " ".join(words).strip(" -–—:|·,")
        if len(clips) == 1 and is_title(rest):
            clips[0].title = rest  # "2403.12943  Vid2Robot: ..." names the paper and its title
        self.report.clips += clips

    def _prose(self, unit: _Unit) -> None:
        """A paragraph without a title before it: the papers it names by id, or nothing."""
        mentions = [parsed for _, parsed in find_id_mentions(unit.text)]
        if mentions:
            self.report.clips += id_clips(mentions, None)
        else:
            self._note(unit, "a paragraph without a title before it, skipped")

    def _note(self, unit: _Unit, message: str) -> None:
        self.report.notes.append(SourceNote(unit.line, message, unit.text))


def _malformed(lines: list[str]) -> list[SourceNote]:
    return [
        SourceNote(number, f"{bad!r} is not an arXiv id, skipped", line)
        for number, line in enumerate(lines, 1)
        for bad in malformed_ids(line)
    ]
