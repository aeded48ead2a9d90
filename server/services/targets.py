"""Targets as users see them (default, named, used) with reachability and the fix for each problem."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select

from paperdrop.server.store import lifecycle
from paperdrop.server.store.models import Clip, Delivery, DeliveryState
from paperdrop.sync.errors import InputError, PaperDropError
from paperdrop.sync.records import TargetStatus
from paperdrop.sync.targets import TargetSpec, parse_target_spec

if TYPE_CHECKING:
    from paperdrop.server.runtime import Runtime

log = logging.getLogger(__name__)


Caller = Literal["api", "cli"]


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
        f"{settings.where('bibtex_dirs')}, or import it with `paperdrop import --to`.",
    )


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


def list_targets(rt: Runtime) -> dict[str, Any]:
    """Every known target with its reachability; a target found reachable wakes the deliveries that waited for
    its setup to be fixed (the check is the proof of the fix)."""
    rt.reload_if_changed(force=True)
    default = str(rt.settings.resolve_target(None))
    targets = []
    for name, spec in known_targets(rt):
        status = check_target(rt, spec)
        if status.reachable:
            wake_waiting(rt, spec)
        targets.append(
            {
                "name": name,
                "spec": str(spec),
                "kind": spec.kind,
                "reachable": status.reachable,
                "message": status.message,
                "fix": status.fix,
                "default": str(spec) == default,
            }
        )
    return {"default": default, "targets": targets}


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
