"""`paperdrop import`: a whole digest (text, saved HTML, id lists, .bib) from files, stdin or arguments."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from paperdrop.server.cli.common import EXIT_INCOMPLETE, echo_json, make_runtime, setup_logging
from paperdrop.server.invocation import command
from paperdrop.sync.errors import InputError
from paperdrop.sync.records import ClipInput
from paperdrop.sync.targets import TargetSpec

if TYPE_CHECKING:
    from paperdrop.server.jobs.foreground import ClipResult, Progress
    from paperdrop.sync.digest import SourceReport

OUTCOME_WORDS = {
    "saving": "not finished",
    "retrying": "not finished",
    "saved": "saved",
    "already_there": "already there",
    "needs_review": "needs review",
    "needs_setup": "needs setup",
    "failed": "failed",
    "dismissed": "dismissed",
    "rejected": "rejected",
}


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
@click.option("--timeout", type=float, default=None, help="With --wait: give up waiting after this many seconds.")
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
    clip_ids = save_clips(rt, list(found.clips), target, caller="cli").clip_ids
    if not wait:
        _report_stored(clip_ids, spec, as_json, found)
        return
    progress = _run_with_bar(rt, clip_ids, timeout)
    _report(progress, spec, as_json, found)
    if not all(r.done for r in progress.results):
        sys.exit(EXIT_INCOMPLETE)


def _run_with_bar(rt, clip_ids: list[int], timeout: float | None = None):
    from paperdrop.server.jobs.foreground import run_until_settled

    with click.progressbar(length=len(clip_ids), label="Importing", file=sys.stderr, show_pos=True) as bar:

        def update(progress) -> None:
            bar.update(progress.settled - bar.pos)

        return run_until_settled(rt, clip_ids, on_progress=update, timeout=timeout)


def _report_stored(clip_ids: list[int], spec, as_json: bool, found: Sources) -> None:
    if as_json:
        echo_json({"stored": clip_ids, "target": str(spec), "not_used": found.notes, "mentioned": found.mentioned})
    else:
        click.echo(
            f"Stored {len(clip_ids)} papers for {spec}; a running {command('serve')} or {command('worker')} "
            f"resolves and delivers them ({command('status')} shows progress; --wait does the work here)."
        )


def _report(progress: Progress, spec: TargetSpec, as_json: bool, found: Sources) -> None:
    results = progress.results
    if as_json:
        echo_json(
            {
                "target": str(spec),
                "results": [_result_json(r) for r in results],
                "not_used": found.notes,
                "mentioned": found.mentioned,
            }
        )
        return
    width = max([len(r.arxiv_id or "-") for r in results] + [8])
    click.echo(f"{'clip':>6}  {'arxiv id':<{width}}  {'result':<17}  title / detail")
    for r in results:
        title = (r.title or "")[:60]
        kind = r.outcome.kind
        detail = "" if r.done else f"  [{r.outcome.message}{' ' + r.outcome.fix if r.outcome.fix else ''}]"
        click.echo(f"{r.clip_id:>6}  {(r.arxiv_id or '-'):<{width}}  {OUTCOME_WORDS[kind]:<17}  {title}{detail}")
    counts: dict[str, int] = {}
    for r in results:
        counts[r.outcome.kind] = counts.get(r.outcome.kind, 0) + 1
    summary = ", ".join(f"{n} {OUTCOME_WORDS[k]}" for k, n in sorted(counts.items()))
    click.echo(f"{len(results)} papers to {spec}: {summary}")
    if counts.get("needs_review"):
        click.echo(f"Settle papers that need review with {command('resolve', 'CLIP', 'ARXIV_ID')} or in the dashboard.")


def _result_json(result: ClipResult) -> dict[str, object]:
    return {
        "clip_id": result.clip_id,
        "arxiv_id": result.arxiv_id,
        "title": result.title,
        "target": result.target,
        "outcome": result.outcome.to_json(),
    }
