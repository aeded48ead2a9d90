"""Admin commands: status, retry, resolve, export, token, targets."""

from __future__ import annotations

import sys

import click

from paperdrop.server.cli.common import EXIT_INCOMPLETE, echo_json, make_runtime, plural, who_finishes
from paperdrop.server.invocation import command
from paperdrop.sync.errors import ConfigurationError, InputError
from paperdrop.sync.ids import normalize_arxiv_id


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def status(as_json: bool) -> None:
    """Counts by state, failures with their last error, and pending work."""
    from paperdrop.server.jobs.sweep import due_clip_ids, due_targets
    from paperdrop.server.services.library import clip_counts, delivery_counts, failures, missing_copies, waiting

    rt = make_runtime()
    with rt.db.reading() as session:
        clips, deliveries = clip_counts(session), delivery_counts(session)
        failed_clips, failed_deliveries = failures(session)
        waits = waiting(session)
        missing = missing_copies(session)
        due_clips, due_targets_now = len(due_clip_ids(session)), due_targets(session)
        due = {"clips": due_clips, "targets": due_targets_now}
        data = {
            "clips": clips,
            "deliveries": deliveries,
            "due": due,
            "queue": rt.queue.pending(),
            "failed_clips": [
                {"id": c.id, "arxiv_id": c.arxiv_id, "title": c.title, "error": c.last_error} for c in failed_clips
            ],
            "failed_deliveries": [
                {"id": d.id, "arxiv_id": d.paper.arxiv_id, "target": d.target, "error": d.last_error}
                for d in failed_deliveries
            ],
            "waiting": [{"id": d.id, "target": d.target, "reason": d.last_error, "fix": d.last_fix} for d in waits],
            "missing": [
                {
                    "target": m.target,
                    "count": m.count,
                    "message": m.sentence + ".",
                    "papers": [
                        {
                            "delivery_id": d.id,
                            "arxiv_id": d.paper.arxiv_id,
                            "title": d.paper.title,
                            "missing_at": d.missing_at,
                        }
                        for d in m.deliveries
                    ],
                }
                for m in missing
            ],
        }
    if as_json:
        echo_json(data)
        return
    click.echo("clips:      " + ", ".join(f"{v} {k}" for k, v in clips.items()))
    click.echo("deliveries: " + ", ".join(f"{v} {k}" for k, v in deliveries.items()))
    due_targets_text = ", ".join(due_targets_now) or "none"
    click.echo(f"due now:    {plural(due_clips, 'clip')} to resolve, targets with work: {due_targets_text}")
    for item in data["failed_clips"]:
        click.echo(f"failed clip {item['id']} ({item['arxiv_id'] or item['title']}): {item['error']}")
    for item in data["failed_deliveries"]:
        click.echo(f"failed delivery {item['id']} of {item['arxiv_id']} to {item['target']}: {item['error']}")
    for item in data["waiting"]:
        click.echo(f"waiting delivery {item['id']} to {item['target']}: {item['reason']}")
    for item in data["missing"]:
        click.echo(f"{item['message'][:-1]}: write them again with {command('retry', '--missing')}?")
        for paper in item["papers"]:
            click.echo(f"    {paper['arxiv_id']}  {paper['title']}")
        if item["count"] > len(item["papers"]):
            click.echo(f"    … and {item['count'] - len(item['papers'])} more")


@click.command()
@click.option("--failed", "all_failed", is_flag=True, help="Requeue everything that failed (and missing copies).")
@click.option("--missing", "missing", is_flag=True, help="Write again the copies removed from their targets.")
@click.argument("clip_ids", nargs=-1, type=int)
def retry(all_failed: bool, missing: bool, clip_ids: tuple[int, ...]) -> None:
    """Requeue failed work: every failure (--failed), the copies noticed missing at their targets (--missing),
    or the clips CLIP_IDS and their deliveries."""
    from paperdrop.server.services.requeue import retry_failed, retry_missing

    if not all_failed and not clip_ids and not missing:
        raise click.UsageError("Name clip ids to retry, or use --failed (everything that failed) or --missing.")
    rt = make_runtime()
    if missing and not all_failed and not clip_ids:
        with rt.db.session() as session:
            targets = retry_missing(session)
        rt.queue.enqueue_deliver_many(targets)
        names = ", ".join(targets) or "no target"
        click.echo(f"Writing the missing copies again to {names}: {who_finishes('it')}.")
        return
    with rt.db.session() as session:
        clips, targets = retry_failed(session, None if all_failed else list(clip_ids))
        if missing:
            targets = sorted(set(targets) | set(retry_missing(session)))
    rt.queue.enqueue_resolve(clips)
    rt.queue.enqueue_deliver_many(targets)
    click.echo(
        f"Requeued {plural(len(clips), 'clip')} and the failed deliveries to {plural(len(targets), 'target')}; "
        f"{who_finishes('the work')}."
    )


@click.command()
@click.argument("clip_id", type=int)
@click.argument("arxiv_id")
def resolve(clip_id: int, arxiv_id: str) -> None:
    """Settle a clip that needs review: CLIP_ID is the paper ARXIV_ID. Delivers it right away."""
    from paperdrop.server.jobs.foreground import run_until_settled
    from paperdrop.server.services.review import ClipNotFound, UnknownPaper, choose_paper

    normalized = normalize_arxiv_id(arxiv_id)
    if normalized is None:
        raise InputError(f"{arxiv_id!r} is not an arXiv id.", fix="Use an id like 2403.12943 or hep-th/9901001.")
    rt = make_runtime()
    try:
        choose_paper(rt, clip_id, normalized, check=True)  # an unknown id is refused, nothing changes
    except ClipNotFound as exc:
        raise InputError(str(exc), fix=f"{command('status')} lists clips that need review.") from exc
    except UnknownPaper as exc:
        raise InputError(str(exc), fix=UnknownPaper.FIX) from exc
    result = run_until_settled(rt, [clip_id], timeout=600).results[0]
    outcome = result.outcome
    click.echo(f"Clip {clip_id} -> {normalized}: {outcome.message}" + (f" {outcome.fix}" if outcome.fix else ""))
    if not result.done:
        sys.exit(EXIT_INCOMPLETE)


@click.command()
@click.option("--target", default=None, help="Only papers delivered to this target (name or spec).")
@click.option("--format", "fmt", type=click.Choice(["bibtex"]), default="bibtex", show_default=True)
def export(target: str | None, fmt: str) -> None:
    """Print BibTeX of stored papers on stdout."""
    from paperdrop.server.services.export import export_bibtex

    click.echo(export_bibtex(make_runtime(), target=target), nl=False)


@click.command()
@click.option("--rotate", is_flag=True, help="Make a new token; the extension must be paired again.")
def token(rotate: bool) -> None:
    """Print the pairing token for the browser extension (paste it into the extension's options)."""
    from paperdrop.server.security import load_or_create_token, rotate_token

    rt = make_runtime()
    if rt.settings.token:
        if rotate:
            raise ConfigurationError(
                "The token comes from PAPERDROP_TOKEN (or the config file).",
                fix="Change it there; --rotate only replaces the generated token.",
            )
        click.echo(rt.settings.token)
        return
    click.echo(rotate_token(rt.home) if rotate else load_or_create_token(rt.home))
    if rotate:
        click.echo(
            "New token made: the extension and signed-in browsers are signed out. A running server takes it at "
            'once; pair the extension again (its options: "Pair with PaperDrop").',
            err=True,
        )


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def targets(ctx: click.Context, as_json: bool) -> None:
    """Targets and whether each is reachable, with the fix for each problem (exit 1 if one that is needed is
    not). A passing check wakes the deliveries that waited for its setup to be fixed."""
    if ctx.invoked_subcommand is not None:
        return
    from paperdrop.server.services.targets import list_targets

    data = list_targets(make_runtime())
    if as_json:
        echo_json(data)
    else:
        for t in data["targets"]:
            mark = "ok " if t["reachable"] else ("!! " if t["needed"] else "-- ")
            name = f" ({t['name']})" if t["name"] else ""
            work = f" [{t['open_work']} to do]" if t["open_work"] else ""
            click.echo(f"{mark}{t['spec']}{name}{work}: {t['message']}")
            if t["fix"] and not t["reachable"]:
                click.echo(f"    fix: {t['fix']}")
            if not t["reachable"] and not t["needed"]:
                click.echo(f"    nothing left to do there; forget it with {command('targets', 'remove', t['spec'])}")
    if any(t["needed"] and not t["reachable"] for t in data["targets"]):
        sys.exit(EXIT_INCOMPLETE)


@targets.command("remove")
@click.argument("target")
def targets_remove(target: str) -> None:
    """Forget TARGET (a name from paperdrop.toml or a spec): its open clips are dismissed and its pending
    deliveries stopped; copies already delivered there stay."""
    from paperdrop.server.services.targets import remove_target

    removal = remove_target(make_runtime(), target)
    done = [f"removed {removal.target}"]
    if removal.name:
        done.append(f"took '{removal.name}' out of paperdrop.toml")
    if removal.clips or removal.deliveries:
        done.append(f"stopped {plural(removal.clips, 'clip')} and {plural(removal.deliveries, 'delivery')}")
    click.echo("; ".join(done).capitalize() + ".")


def register(group: click.Group) -> None:
    for each in (status, retry, resolve, export, token, targets):
        group.add_command(each)
