"""Targets as users see them (default, named, used) with reachability and the fix for each problem."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import tomlkit
from sqlalchemy import func, select

from paperdrop.server.invocation import command
from paperdrop.server.store import lifecycle
from paperdrop.server.store.models import CLIP_OPEN, Clip, ClipState, Delivery, DeliveryState
from paperdrop.sync.errors import InputError, PaperDropError
from paperdrop.sync.records import TargetStatus
from paperdrop.sync.targets import TargetSpec, parse_target_spec
from paperdrop.sync.text import PLAIN_TEXT_PATTERN, regex_literal

if TYPE_CHECKING:
    from paperdrop.server.config import Settings
    from paperdrop.server.runtime import Runtime

log = logging.getLogger(__name__)


Caller = Literal["api", "cli"]
OPEN_FOR_REVIEW = (*CLIP_OPEN, ClipState.NEEDS_REVIEW)


def allowed_target(rt: Runtime, name_or_spec: str | None, caller: Caller) -> TargetSpec:
    """The target a caller may save to, or InputError saying why not and what to do.

    The default and the named targets of paperdrop.toml are the user's own choices: always allowed. A spec
    from the API, the extension or the dashboard may name any Zotero collection, and a .bib file only inside
    PAPERDROP_BIBTEX_DIRS (symlinks resolved, no `..` way out; relative paths start in the data directory). The
    CLI runs as the user and may name any .bib file they can write. Everywhere, a BibTeX target ends in .bib.
    """
    settings = rt.settings
    named = name_or_spec is None or name_or_spec in settings.targets
    value = name_or_spec if not named else None
    if value and ":" not in value:  # a bare word: meant as a name of paperdrop.toml
        raise _not_a_name(settings, value.strip())
    if value is not None and caller == "api":
        _refuse_escapes(value)
    spec = (
        settings.resolve_target(name_or_spec)
        if named or caller == "cli"
        else parse_target_spec(value or "", base_dir=settings.home_path)
    )
    if spec.kind != "bibtex":
        return spec
    if not spec.location.lower().endswith(".bib"):
        raise InputError(
            f"{spec} is not a .bib file.", fix="Name a BibTeX file whose name ends in .bib, e.g. bibtex:refs.bib."
        )
    if named or caller == "cli" or _inside(Path(spec.location), settings.bibtex_dirs):
        return spec
    places = ", ".join(settings.bibtex_dirs) or "none"
    raise InputError(
        f"{spec} is outside the folders where PaperDrop may write BibTeX files for the extension and the API.",
        fix=f"Use a file in {places}, name it as a target in paperdrop.toml, add its folder to "
        f"{settings.where('bibtex_dirs')}, or import it with {command('import', '--to')}.",
    )


def _not_a_name(settings: Settings, value: str) -> InputError:
    names = sorted(settings.targets)
    known = f" (its names: {', '.join(names)})" if names else ""
    example = f"zotero:{value or 'Reading'}"
    return InputError(
        f"“{value}” is not a target name in paperdrop.toml.",
        fix=f"Use a target name from paperdrop.toml{known}, or a spec like {example} or bibtex:papers.bib.",
    )


def _refuse_escapes(value: str) -> None:
    """A BibTeX path from a web page or the API names its place plainly: no `..` step out of a folder, no
    `~user` (another user's home); the schema says the same (target_schema)."""
    kind, _, location = value.strip().partition(":")
    path = location.strip()
    if kind != "bibtex":
        return
    if ".." in path.split("/") or (path.startswith("~") and not (path == "~" or path.startswith("~/"))):
        raise InputError(
            f"{value.strip()} steps out of its folder ('..' or '~user').",
            fix="Name the file by a path inside one of the allowed folders, e.g. bibtex:refs.bib.",
        )


# A collection path: segments with something besides blanks, one slash between them. Each segment is written
# `\s*[^/\s][^/]*` (blanks, then the first other character) and not `[^/]*[^/\s][^/]*`: the same strings, but
# the second splits a segment many ways, and a path that fails at its end made a regex engine try every split
# of every segment (a 6-segment path took seconds, each segment more 14 times as long).
ZOTERO_SPEC = r"^\s*zotero:\s*/*(?:\s*[^/\s][^/]*/)*\s*[^/\s][^/]*/*\s*$"
_NO_STEP_OUT = r"(?!(?:[^/]*/)*\.\.(?:/|\s*$))"
_BIB_FILE = r"(?:[^/]*/)*[^/]*\.[Bb][Ii][Bb]/*\s*$"


def target_schema(settings: Settings) -> dict[str, Any]:
    """The JSON Schema of a `target` the API accepts (what allowed_target takes from a web page): any Zotero
    collection, a named target, or a .bib file in PAPERDROP_BIBTEX_DIRS. Built from this server's settings, for
    its OpenAPI document; tests check it agrees with allowed_target."""
    alternatives: list[dict[str, Any]] = [{"pattern": ZOTERO_SPEC}]
    places = [regex_literal(os.path.realpath(Path(d).expanduser()).rstrip("/")) + "/" for d in settings.bibtex_dirs]
    if _inside(Path.home(), settings.bibtex_dirs):
        places.append("~/")
    if _inside(settings.home_path, settings.bibtex_dirs):
        places.append(r"(?=[^\s/~])")  # relative paths start in the data directory
    if places:
        alternatives.append({"pattern": rf"^\s*bibtex:\s*{_NO_STEP_OUT}(?:{'|'.join(places)}){_BIB_FILE}"})
    if settings.targets:
        alternatives.append({"enum": sorted(settings.targets)})
    return {"type": "string", "maxLength": 1024, "allOf": [{"pattern": PLAIN_TEXT_PATTERN}, {"anyOf": alternatives}]}


def _inside(path: Path, folders: list[str]) -> bool:
    real = Path(os.path.realpath(path))
    return any(real.is_relative_to(os.path.realpath(Path(folder).expanduser())) for folder in folders)


def known_targets(rt: Runtime) -> list[tuple[str | None, TargetSpec]]:
    """(name, spec) of the default target, the named ones in the config file, then any used by clips."""
    settings = rt.settings
    seen: dict[str, str | None] = {str(settings.resolve_target(None)): "default"}
    for name, spec in settings.targets.items():
        seen.setdefault(str(parse_target_spec(spec)), name)
    with rt.db.reading() as session:
        for spec in session.scalars(select(Clip.target).distinct()):
            seen.setdefault(spec, None)
    return [(name, parse_target_spec(spec)) for spec, name in seen.items()]


def check_target(rt: Runtime, spec: TargetSpec) -> TargetStatus:
    try:
        return rt.sink(spec).check()
    except PaperDropError as exc:
        return TargetStatus(str(spec), spec.kind, False, exc.message, exc.fix)
    except Exception as exc:  # a broken sink must not break the listing
        log.exception("checking %s failed", spec)
        return TargetStatus(str(spec), spec.kind, False, f"Could not check this target: {exc!r}", None)


def open_work(rt: Runtime) -> dict[str, int]:
    """Per target, how many clips and deliveries still have work to do (nothing settled them yet)."""
    work: dict[str, int] = {}
    with rt.db.reading() as session:
        clips = select(Clip.target, func.count()).where(Clip.status.in_(CLIP_OPEN)).group_by(Clip.target)
        deliveries = (
            select(Delivery.target, func.count())
            .where(Delivery.state.in_((DeliveryState.PENDING, DeliveryState.WAITING_FOR_SETUP)))
            .group_by(Delivery.target)
        )
        for target, count in [*session.execute(clips), *session.execute(deliveries)]:
            work[target] = work.get(target, 0) + count
    return work


def list_targets(rt: Runtime) -> dict[str, Any]:
    """Every known target with its reachability; a target found reachable wakes the deliveries that waited for
    its setup to be fixed (the check is the proof of the fix). `needed`: the target is the default, named in
    paperdrop.toml, or still has work; a target none of that holds for no longer matters if it is unreachable."""
    rt.reload_if_changed(force=True)
    default = str(rt.settings.resolve_target(None))
    work = open_work(rt)
    targets = []
    for name, spec in known_targets(rt):
        status = check_target(rt, spec)
        if status.reachable:
            wake_waiting(rt, spec)
        targets.append(
            {
                "name": name,
                "spec": str(spec),
                "label": spec.label,
                "location": spec.location,
                "kind": spec.kind,
                "reachable": status.reachable,
                "message": status.message,
                "fix": status.fix,
                "default": str(spec) == default,
                "open_work": work.get(str(spec), 0),
                "needed": name is not None or work.get(str(spec), 0) > 0,
            }
        )
    return {"default": default, "targets": targets, "collections": zotero_collections(rt, targets)}


def zotero_collections(rt: Runtime, targets: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The collections of the Zotero library the targets write to (any reachable Zotero target reads the
    list), as targets a person can pick: `{spec, label, location}`."""
    reachable = [t["spec"] for t in targets if t["kind"] == "zotero" and t["reachable"]]
    if not reachable:
        return []
    try:
        sink = rt.sink(parse_target_spec(reachable[0]))
        paths = sink.collection_paths() if hasattr(sink, "collection_paths") else []
    except Exception:  # the listing is a convenience: a failure must not break GET /targets
        log.exception("listing Zotero collections failed")
        return []
    return [{"spec": f"zotero:{p}", "label": f"Zotero: {p}", "location": p} for p in paths]


def check_target_spec(rt: Runtime, value: str) -> dict[str, Any]:
    """What the extension's options say about a target before keeping it: refused as the API would refuse it
    in a clip (allowed_target, the same words), else whether it can be written now."""
    rt.reload_if_changed(force=True)
    value = value.strip()
    refused: dict[str, Any] = {"ok": False, "spec": None, "label": None, "reachable": None}
    try:
        spec = allowed_target(rt, value, "api")
    except PaperDropError as exc:
        return {**refused, "message": exc.message, "fix": exc.fix}
    except ValueError:  # e.g. a NUL byte in a path
        return {
            **refused,
            "message": "This is not a usable target.",
            "fix": "Type it again without control characters.",
        }
    status = check_target(rt, spec)
    message = f"{spec.label} can be written." if status.reachable else status.message
    return {
        "ok": True,
        "spec": str(spec),
        "label": spec.label,
        "reachable": status.reachable,
        "message": message,
        "fix": None if status.reachable else status.fix,
    }


def wake_waiting(rt: Runtime, spec: TargetSpec | None = None) -> int:
    """A setup fix takes effect at once: deliveries waiting for one (to `spec`, or to any target) are due now.
    Returns how many were woken."""
    woken: set[str] = set()
    with rt.db.session() as session:
        waiting = select(Delivery).where(Delivery.state == DeliveryState.WAITING_FOR_SETUP)
        if spec is not None:
            waiting = waiting.where(Delivery.target == str(spec))
        count = 0
        for delivery in session.scalars(waiting):
            if lifecycle.setup_fixed(delivery):
                woken.add(delivery.target)
                count += 1
    rt.queue.enqueue_deliver_many(sorted(woken))  # after the commit
    return count


@dataclass
class Removal:
    target: str
    name: str | None = None  # the named target taken out of paperdrop.toml
    clips: int = 0  # clips that were still open for it, now dismissed
    deliveries: int = 0  # deliveries that were still to do, now failed


def remove_target(rt: Runtime, name_or_spec: str) -> Removal:
    """Forget a target (a mistyped --to, a file that moved): a named one leaves paperdrop.toml; the work still
    open for it stops (its clips are dismissed, its pending deliveries fail, with the reason), so it is no
    longer checked or reported as unreachable. Copies already delivered there stay as they are."""
    settings = rt.settings
    spec = str(settings.resolve_target(name_or_spec))
    if spec == str(settings.resolve_target(None)):
        raise InputError(
            f"{spec} is the default target.", fix=f"Set another default first ({settings.where('default_target')})."
        )
    removal = Removal(spec)
    if name_or_spec in settings.targets:
        removal.name = name_or_spec
        _drop_named_target(rt, name_or_spec)
    reason = f"Its target {spec} was removed."
    with rt.db.session() as session:
        for clip in session.scalars(select(Clip).where(Clip.target == spec, Clip.status.in_(OPEN_FOR_REVIEW))):
            lifecycle.clip_dismissed(clip, reason)
            removal.clips += 1
        waiting = (DeliveryState.PENDING, DeliveryState.WAITING_FOR_SETUP)
        for delivery in session.scalars(select(Delivery).where(Delivery.target == spec, Delivery.state.in_(waiting))):
            lifecycle.delivery_failed(delivery, reason)
            removal.deliveries += 1
    return removal


def _drop_named_target(rt: Runtime, name: str) -> None:
    """Edit paperdrop.toml in place (comments and layout kept, tomlkit), then take the new settings."""
    path = Path(rt.settings.source or "")
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    table = document.get("targets")
    if table is not None and name in table:
        del table[name]
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    rt.reload_if_changed(force=True)
    rt.settings.targets.pop(name, None)  # settings handed in (tests, tools) are not reloaded from the file
