"""What reading a source gave: its clips, and everything in it that was not used or only mentioned.

Nothing in a source is dropped silently (docs/design.md, "No paper dropped, none invented"): a line that is
neither a paper nor page chrome becomes a note with its line number and the reason, and ids that appear only
inside other papers' comments or abstracts are counted as mentioned, not imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from paperdrop.sync.records import ClipInput

SHOWN_TEXT = 60  # characters of the source line quoted in a note


@dataclass(frozen=True)
class SourceNote:
    """`line` is 1-based in the source (None where the source has no useful lines, e.g. a page's JSON)."""

    line: int | None
    message: str  # what was there and what was done with it: "a title without an abstract, kept as title-only"
    text: str = ""  # the start of what the source said there

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        quoted = f' ("{_shorten(self.text)}")' if self.text else ""
        return f"{where}{self.message}{quoted}"


@dataclass
class SourceReport:
    """Clips in source order (duplicates merged), notes in source order, and mentioned-only ids."""

    clips: list[ClipInput] = field(default_factory=list)
    notes: list[SourceNote] = field(default_factory=list)
    mentioned: list[str] = field(default_factory=list)  # unversioned ids, first appearance first

    def extend(self, other: SourceReport) -> None:
        self.clips += other.clips
        self.notes += other.notes
        self.mentioned += [i for i in other.mentioned if i not in self.mentioned]

    def summary(self) -> list[str]:
        """Sentences for a person: every note, then the mentioned-only ids."""
        lines = [str(note) for note in self.notes]
        if self.mentioned:
            count = len(self.mentioned)
            lines.append(
                f"{count} arXiv id{'s' if count != 1 else ''} mentioned, not imported (named only in other "
                f"papers' comments or abstracts): {', '.join(self.mentioned)}"
            )
        return lines


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_TEXT else text[: SHOWN_TEXT - 1].rstrip() + "…"
