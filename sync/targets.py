"""Target specs (`zotero:<collection path>`, `bibtex:<file path>`) and the interface every sink implements."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from .errors import InputError
from .records import DeliveryOutcome, DeliveryRequest, TargetStatus


@dataclass(frozen=True)
class TargetSpec:
    kind: Literal["zotero", "bibtex"]
    location: str  # collection path ("Reading/Robotics") or file path

    def __str__(self) -> str:
        return f"{self.kind}:{self.location}"


def parse_target_spec(spec: str, *, base_dir: Path | None = None) -> TargetSpec:
    """Parse `zotero:A/B` or `bibtex:path.bib`. Relative BibTeX paths are made absolute against `base_dir`
    (the caller's working directory) so a spec names the same file wherever it is used later."""
    kind, sep, location = (spec or "").strip().partition(":")
    location = location.strip()
    if not sep or kind not in ("zotero", "bibtex") or not location:
        raise InputError(
            f"Unknown target {spec!r}.",
            fix="Use 'zotero:<collection path>' (e.g. zotero:Reading/Robotics) or 'bibtex:<file path>'.",
        )
    if kind == "zotero":
        parts = [p.strip() for p in location.strip("/").split("/")]
        if any(not p for p in parts):
            raise InputError(f"Empty collection name in {spec!r}.", fix="Write collection paths like A/B.")
        return TargetSpec("zotero", "/".join(parts))
    path = Path(location).expanduser()
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    return TargetSpec("bibtex", str(path.resolve()))


class Sink(Protocol):
    """A place papers are delivered to. Implementations raise `sync.errors.TransientError` or
    `ConfigurationError` for failures of the whole call and report per-paper results as outcomes."""

    spec: TargetSpec

    def check(self) -> TargetStatus: ...

    def prepare(self, requests: list[DeliveryRequest]) -> dict[int, str]:
        """Remote keys to persist *before* `deliver` (delivery_id -> key); empty when not needed."""
        ...

    def deliver(self, requests: list[DeliveryRequest]) -> list[DeliveryOutcome]: ...
