"""Targets as users see them (default, named, used) with reachability; BibTeX export of stored papers."""

from __future__ import annotations

import logging
from typing import Any

from paperdrop.server.store.models import DELIVERY_DELIVERED, Clip, Delivery, Paper
from paperdrop.server.store.papers import to_record
from paperdrop.sync.errors import PaperDropError
from paperdrop.sync.records import TargetStatus
from paperdrop.sync.targets import TargetSpec, parse_target_spec
from sqlalchemy import select
from sqlalchemy.orm import selectinload

log = logging.getLogger(__name__)


def known_targets(rt) -> list[tuple[str | None, TargetSpec]]:
    """(name, spec) of the default target, the named ones in the config file, then any used by clips."""
    settings = rt.settings
    seen: dict[str, str | None] = {str(settings.resolve_target(None)): "default"}
    for name, spec in settings.targets.items():
        seen.setdefault(str(parse_target_spec(spec)), name)
    with rt.db.reading() as session:
        for spec in session.scalars(select(Clip.target).distinct()):
            seen.setdefault(spec, None)
    return [(name, parse_target_spec(spec)) for spec, name in seen.items()]


def check_target(rt, spec: TargetSpec) -> TargetStatus:
    try:
        return rt.sink(spec).check()
    except PaperDropError as exc:
        return TargetStatus(str(spec), spec.kind, False, exc.message, exc.fix)
    except Exception as exc:  # a broken sink must not break the listing
        log.exception("checking %s failed", spec)
        return TargetStatus(str(spec), spec.kind, False, f"Could not check this target: {exc!r}", None)


def list_targets(rt) -> dict[str, Any]:
    default = str(rt.settings.resolve_target(None))
    targets = []
    for name, spec in known_targets(rt):
        status = check_target(rt, spec)
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


def export_bibtex(rt, target: str | None = None) -> str:
    """BibTeX of stored papers: those delivered to `target` with their citekeys, or every paper."""
    from paperdrop.sync.bibtex import make_citekey, render_entries

    options = rt.bibtex_options()
    with rt.db.reading() as session:
        stmt = select(Paper).options(selectinload(Paper.deliveries)).order_by(Paper.id)
        spec = str(rt.settings.resolve_target(target)) if target else None
        if spec:
            stmt = stmt.join(Delivery).where(Delivery.target == spec, Delivery.state == DELIVERY_DELIVERED)
        papers = list(session.scalars(stmt))
        items, taken = [], set()
        for paper in papers:
            key = _stored_key(paper, spec)
            if not key or key in taken:
                key = make_citekey(to_record(paper), taken, pattern=options.key_pattern)
            taken.add(key)
            items.append((to_record(paper), key))
    return render_entries(items, options)


def _stored_key(paper: Paper, spec: str | None) -> str | None:
    """The citekey a BibTeX delivery gave the paper: a paper keeps its key everywhere it is exported."""
    for delivery in paper.deliveries:
        if delivery.target.startswith("bibtex:") and delivery.remote_key and spec in (None, delivery.target):
            return delivery.remote_key
    return None


def paper_bibtex(rt, paper: Paper) -> str:
    """The BibTeX entry of one stored paper (deliveries loaded), under the citekey a BibTeX delivery gave it."""
    from paperdrop.sync.bibtex import make_citekey, render_entries

    options = rt.bibtex_options()
    record = to_record(paper)
    key = _stored_key(paper, None) or make_citekey(record, set(), pattern=options.key_pattern)
    return render_entries([(record, key)], options)
