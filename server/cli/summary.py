"""What `paperdrop import` prints when it is done: one row per paper in input order, then the counts.

Rows are numbered by the paper's place in the input (`#`), so a person finds it in their digest; titles are
given in full, or cut with "…" to fit a terminal; counts use the target's own words ("written" and "already in
the file" for a .bib, "saved" and "already in Zotero" for Zotero) and right plurals. `--json` gives the same
facts (docs/design.md "CLI summaries").
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from paperdrop.server.cli.common import plural
from paperdrop.server.jobs.foreground import ClipResult
from paperdrop.server.services.outcome import OUTCOME_KINDS, Outcome
from paperdrop.sync.targets import KINDS, TargetSpec

# kind -> (one, several) for the kinds whose words do not depend on the target
WORDS = {
    "saving": ("not finished", "not finished"),
    "retrying": ("not finished", "not finished"),
    "needs_review": ("needs review", "need review"),
    "needs_setup": ("needs setup", "need setup"),
    "failed": ("failed", "failed"),
    "dismissed": ("dismissed", "dismissed"),
    "rejected": ("not usable", "not usable"),
}


@dataclass
class Row:
    positions: list[int]  # where the paper is in the input, from 1 (two inputs can be one paper)
    clip_id: int | None  # None: not stored (rejected)
    arxiv_id: str | None
    title: str | None
    outcome: Outcome
    rewritten: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.positions[0],
            "positions": self.positions,
            "clip_id": self.clip_id,
            "arxiv_id": self.arxiv_id,
            "title": self.title,
            "target": self.outcome.target,
            "written_again": self.rewritten,
            "outcome": self.outcome.to_json(),
        }


@dataclass
class Summary:
    spec: TargetSpec
    rows: list[Row] = field(default_factory=list)

    @classmethod
    def of(cls, spec: TargetSpec, results: list[ClipResult], positions: dict[int, list[int]], rejected: list[Row]):
        rows = [
            Row(positions.get(r.clip_id, [0]), r.clip_id, r.arxiv_id, r.title, r.outcome, r.rewritten) for r in results
        ]
        return cls(spec, sorted(rows + rejected, key=lambda row: row.positions[0]))

    @property
    def done(self) -> bool:
        return all(row.outcome.kind in ("saved", "already_there") for row in self.rows)

    def counts(self) -> dict[str, int]:
        """Papers per outcome kind (in OUTCOME_KINDS order), and `written_again` among the saved ones."""
        found = Counter(row.outcome.kind for row in self.rows)
        counts: dict[str, int] = {kind: found[kind] for kind in OUTCOME_KINDS if found[kind]}
        again = sum(row.rewritten for row in self.rows)
        if again:
            counts["written_again"] = again
        return counts

    def word(self, kind: str, count: int = 1, rewritten: bool = False) -> str:
        wrote, wrote_again, had = KINDS[self.spec.kind].words
        if kind == "saved":
            return wrote_again if rewritten else wrote
        if kind == "already_there":
            return had
        one, several = WORDS[kind]
        return one if count == 1 else several

    def count_line(self) -> str:
        """ "20 papers to refs.bib: 15 written (2 written again), 3 already in the file, 1 needs review, 1 failed"."""
        counts = self.counts()
        again = counts.pop("written_again", 0)
        parts = []
        unfinished = counts.pop("saving", 0) + counts.pop("retrying", 0)
        for kind, count in counts.items():
            part = f"{count} {self.word(kind, count)}"
            if kind == "saved" and again:
                part += f" ({again} {self.word('saved', again, rewritten=True)})"
            parts.append(part)
        if unfinished:
            parts.append(f"{unfinished} not finished")
        return f"{plural(len(self.rows), 'paper')} to {self.spec.label}: " + ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"target": str(self.spec), "counts": self.counts(), "results": [row.to_json() for row in self.rows]}

    def table(self, width: int | None) -> list[str]:
        """The rows for a person; `width` is the terminal's (titles cut with "…" to fit), None for no cut."""
        number = max([len(str(row.positions[0])) for row in self.rows] + [1])
        ident = max([len(row.arxiv_id or "-") for row in self.rows] + [8])
        result = max([len(self.word(r.outcome.kind, 1, r.rewritten)) for r in self.rows] + [6])
        indent = number + ident + result + 6
        lines = [f"{'#':>{number}}  {'arXiv id':<{ident}}  {'result':<{result}}  title"]
        for row in self.rows:
            word = self.word(row.outcome.kind, 1, row.rewritten)
            title = row.title or ("(title not known yet)" if not row.outcome.settled else "(no title)")
            if width is not None:
                title = ellipsize(title, max(20, width - indent))
            lines.append(f"{row.positions[0]:>{number}}  {(row.arxiv_id or '-'):<{ident}}  {word:<{result}}  {title}")
            if row.outcome.kind not in ("saved", "already_there"):
                detail = " ".join(part for part in (row.outcome.message, row.outcome.fix) if part)
                if len(row.positions) > 1:
                    detail += f" (also #{', #'.join(map(str, row.positions[1:]))} of the input)"
                lines += wrap(detail, indent, width)
        return lines


def ellipsize(text: str, width: int) -> str:
    """`text` on one line of at most `width` characters, cut at a word with "…" when it is longer."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if text[width - 1] != " " and " " in cut[width // 2 :]:  # mid-word: back to the last whole word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def wrap(text: str, indent: int, width: int | None) -> list[str]:
    pad = " " * indent
    if width is None:
        return [pad + text]
    return textwrap.wrap(text, width=max(40, width), initial_indent=pad, subsequent_indent=pad) or [pad]


def terminal_width() -> int | None:
    """The terminal's width when printing to one; None (no cutting) when the output goes to a file or a pipe."""
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size((100, 24)).columns
