"""`paperdrop import`: a whole digest (text, saved HTML, id lists, .bib) from files, stdin or arguments."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from paperdrop.server.cli.common import (
    EXIT_INCOMPLETE,
    echo_json,
    make_runtime,
    plural,
    setup_logging,
    who_finishes,
)
from paperdrop.server.cli.summary import Row, Summary, terminal_width
from paperdrop.server.invocation import command
from paperdrop.sync.errors import InputError
from paperdrop.sync.records import ClipInput
from paperdrop.sync.targets import TargetSpec

if TYPE_CHECKING:
    from paperdrop.server.jobs.foreground import Progress
    from paperdrop.server.runtime import Runtime
    from paperdrop.server.services.save import SaveResult
    from paperdrop.sync.digest import SourceReport


@dataclass
class Sources:
    """What the SOURCEs gave: clips (deduplicated, in order) and, per source, what was not used."""

    clips: list[ClipInput] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)  # {"source", "line", "message", "text"}
    mentioned: list[dict[str, Any]] = field(default_factory=list)  # {"source", "ids"}

    def add(self, name: str, report: SourceReport) -> None:
        self.clips += report.clips
        self.notes += [{"source": name, "line": n.line, "message": n.message, "text": n.text} for n in report.notes]
        if report.mentioned:
            self.mentioned.append({"source": name, "ids": list(report.mentioned)})

    def remarks(self) -> list[str]:
        """One line per thing not used, for a person: "digest.txt: line 212: a title without an abstract"."""
        from paperdrop.sync.digest import SourceNote, SourceReport

        lines = []
        for note in self.notes:
            lines.append(f"{note['source']}: {SourceNote(note['line'], note['message'], note['text'])}")
        for item in self.mentioned:
            lines += [f"{item['source']}: {line}" for line in SourceReport(mentioned=item["ids"]).summary()]
        return lines


def read_sources(sources: tuple[str, ...]) -> Sources:
    """Clips from every SOURCE: `-` (stdin), a file, or ids/URLs given directly (in order, deduplicated),
    with what each source had that could not be used."""
    from paperdrop.sync.digest import parse_source

    found = Sources()
    loose: list[str] = []
    for source in sources:
        if source == "-":
            found.add("stdin", parse_source(sys.stdin.buffer.read(), filename=None))
        elif Path(source).is_file():
            path = Path(source)
            found.add(path.name, parse_source(path.read_bytes(), filename=path.name))
        else:
            loose.append(source)
    if loose:
        report = parse_source("\n".join(loose), filename=None)
        if not report.clips:
            raise InputError(
                f"Not a file and not an arXiv id or URL: {' '.join(loose)}",
                fix="Give a file (digest text, saved HTML page, id list, .bib), '-' for stdin, or ids like 2403.12943.",
            )
        found.add("arguments", report)
    found.clips = _dedupe(found.clips)
    return found


def _dedupe(clips: list[ClipInput]) -> list[ClipInput]:
    from paperdrop.server.store.clips import dedupe_key

    seen, unique = set(), []
    for clip in clips:
        key = dedupe_key(clip)
        if key not in seen:
            seen.add(key)
            unique.append(clip)
    return unique


@click.command("import")
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--to", "target", default=None, help="Target name or spec (zotero:A/B, bibtex:FILE); default target if unset."
)
@click.option("--wait", is_flag=True, help="Do the work now, with a progress bar, until every paper is settled.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--timeout",
    type=float,
    default=None,
    help="With --wait: stop waiting after this many seconds (the papers stay stored; a running server goes on).",
)
def import_command(
    sources: tuple[str, ...], target: str | None, wait: bool, as_json: bool, timeout: float | None
) -> None:
    """Import papers from SOURCE... : digest text or saved HTML files, id lists, .bib files, `-` for stdin,
    or arXiv ids / URLs given directly.

    Without --wait the clips are stored and a running `paperdrop serve` or `paperdrop worker` does the work.
    With --wait the work runs here; the exit code is 0 only if every paper was delivered (1 otherwise).
    """
    from paperdrop.server.services.save import save_clips
    from paperdrop.server.services.targets import allowed_target

    setup_logging(30)
    rt = make_runtime()
    found = read_sources(sources)
    if not found.clips:
        remarks = "; ".join(found.remarks()[:5])
        raise InputError(
            "No papers found in the given sources." + (f" Not used: {remarks}." if remarks else ""),
            fix="Check the file: PaperDrop reads digest text, saved HTML pages, id lists and .bib files.",
        )
    spec = allowed_target(rt, target, "cli")  # a wrong target is a usage error before anything is stored
    if not as_json:
        for remark in found.remarks():  # nothing in a source is dropped without a word
            click.echo(remark)
    saved = save_clips(rt, list(found.clips), target, caller="cli")
    positions, rejected = _positions(saved, found.clips)
    if not wait:
        _report_stored(saved.clip_ids, positions, spec, as_json, found)
        return
    progress = _run_with_bar(rt, saved.clip_ids, spec, timeout, quiet=as_json)
    summary = Summary.of(spec, progress.results, positions, rejected)
    _report(summary, progress, as_json, found, timeout)
    if not summary.done:
        sys.exit(EXIT_INCOMPLETE)


def _positions(saved: SaveResult, clips: list[ClipInput]) -> tuple[dict[int, list[int]], list[Row]]:
    """Each stored clip's places in the input (from 1), and rows for the papers that were not stored."""
    from paperdrop.server.services.save import SavedClip

    positions: dict[int, list[int]] = {}
    rejected = []
    for place, (answer, clip) in enumerate(zip(saved.answers, clips, strict=True), start=1):
        if isinstance(answer, SavedClip):
            positions.setdefault(answer.id, []).append(place)
        else:
            rejected.append(Row([place], None, clip.arxiv_id, clip.title or clip.url, answer))
    return positions, rejected


def _run_with_bar(rt: Runtime, clip_ids: list[int], spec: TargetSpec, timeout: float | None, quiet: bool):
    """The work, with a bar that moves per paper looked up and per paper delivered (2 steps a paper) and
    says what it waits for; the first time every open paper waits for a retry, one line says what that means."""
    from paperdrop.server.jobs.foreground import run_until_settled

    told = False

    def status(progress: Progress | None) -> str:
        if progress is None:
            return ""
        reason = progress.waiting_for()
        if reason:
            return f"waiting: {reason}"
        if any(not (r.looked_up or r.settled) for r in progress.results):
            return "looking up on arXiv"
        return f"saving to {spec.label}" if not progress.done else ""

    with click.progressbar(
        length=2 * len(clip_ids),
        label="Importing",
        file=sys.stderr,
        show_pos=True,
        item_show_func=status,
        hidden=quiet,
    ) as bar:

        def update(progress: Progress) -> None:
            nonlocal told
            bar.update(progress.steps - bar.pos, progress)
            if not told and _all_retrying(progress):
                told = True
                click.echo("\n" + _retry_notice(progress, timeout), err=True)

        return run_until_settled(rt, clip_ids, on_progress=update, timeout=timeout)


def _all_retrying(progress: Progress) -> bool:
    open_results = [r for r in progress.results if not r.settled]
    return bool(open_results) and all(r.outcome.kind == "retrying" for r in open_results)


def _retry_notice(progress: Progress, timeout: float | None) -> str:
    problem = next(r.outcome.message for r in progress.results if r.outcome.kind == "retrying")
    until = f"for up to {timeout:g} s (--timeout)" if timeout else "until every paper is settled (Ctrl-C stops waiting)"
    return f"{problem} This run keeps trying {until}. The papers stay stored either way; later, {who_finishes('that')}."


def _report_stored(
    clip_ids: list[int], positions: dict[int, list[int]], spec: TargetSpec, as_json: bool, found: Sources
) -> None:
    if as_json:
        echo_json(
            {
                "stored": clip_ids,
                "clips": [{"position": positions[i][0], "positions": positions[i], "clip_id": i} for i in clip_ids],
                "target": str(spec),
                "not_used": found.notes,
                "mentioned": found.mentioned,
            }
        )
        return
    click.echo(
        f"Stored {plural(len(clip_ids), 'paper')} for {spec.label}; {who_finishes('the work')} "
        f"({command('status')} shows progress; --wait does it here)."
    )


def _report(summary: Summary, progress: Progress, as_json: bool, found: Sources, timeout: float | None) -> None:
    if as_json:
        echo_json({**summary.to_json(), "not_used": found.notes, "mentioned": found.mentioned})
        return
    for line in summary.table(terminal_width()):
        click.echo(line)
    click.echo(summary.count_line())
    counts = summary.counts()
    review = counts.get("needs_review", 0)
    if review:
        click.echo(
            f"Choose the paper for {plural(review, 'entry', 'entries')} that {'needs' if review == 1 else 'need'} "
            f"review on the dashboard's review page, or with {command('resolve', 'CLIP', 'ARXIV_ID')}."
        )
    if counts.get("needs_setup"):
        click.echo(
            f"{command('targets')} shows what to fix; the papers waiting for it are saved as soon as it is fixed."
        )
    if counts.get("failed"):
        click.echo(f"Fix what each failed row says, then {command('retry', '--failed')} tries them again.")
    unfinished = counts.get("saving", 0) + counts.get("retrying", 0)
    if unfinished:
        why = progress.waiting_for()
        click.echo(
            f"{plural(unfinished, 'paper')} not finished"
            + (f" after {timeout:g} s" if timeout else "")
            + (f" ({why})" if why else "")
            + f". They stay stored; {who_finishes('the rest')}, or run this import again with --wait."
        )
