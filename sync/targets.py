"""Targets: spec strings (`zotero:<collection path>`, `bibtex:<file path>`), the interface every sink implements,
and the one registry of target kinds (kind → how to read its location, how to name it, how to build its sink).

A new kind of target is a package under `sync/` with a sink class plus one entry in `KINDS` below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from paperdrop.sync.errors import InputError
from paperdrop.sync.records import DeliveryOutcome, DeliveryRequest, TargetStatus

if TYPE_CHECKING:
    from paperdrop.sync.bibtex import BibtexOptions
    from paperdrop.sync.zotero import ZoteroConfig, ZoteroOptions
    from paperdrop.sync.zotero.children import PdfSource
    from paperdrop.sync.zotero.client import BackoffStore


@dataclass(frozen=True)
class TargetSpec:
    kind: str  # a key of KINDS
    location: str  # collection path ("Reading/Robotics") or absolute file path

    def __str__(self) -> str:
        return f"{self.kind}:{self.location}"

    @property
    def label(self) -> str:
        """How a person names this target in a sentence: `papers.bib`, `Zotero: Reading/Robotics`."""
        return KINDS[self.kind].label(self.location)


def _no_progress(outcomes: list[DeliveryOutcome]) -> None:
    return None


def _no_wait(seconds: float) -> bool:
    return False


def _nothing_missing(keys: list[str]) -> None:
    return None


@dataclass(frozen=True)
class DeliveryRun:
    """How one `Sink.deliver` call talks back to the job that runs it.

    `progress(outcomes)`: report outcomes the moment they are known (a Zotero write's per-object answer), so a
    crash or a dropped connection later in the call redoes only what is unknown. Outcomes reported here may be
    left out of the returned list (or repeated: the last one for a delivery wins).
    `wait(seconds)`: a throttle (Retry-After, Backoff, a busy lock) asks for a pause; True means the job waited
    that long and the sink goes on with the same batch, False means too long to wait now: raise
    `sync.errors.ThrottledError(retry_after=seconds)`. Never called from a web request.
    `missing(keys)`: remote keys of copies PaperDrop wrote that the target no longer has (an entry deleted from
    the .bib, an item deleted in Zotero), noticed while reading it; they are shown to the user, not rewritten.
    """

    progress: Callable[[list[DeliveryOutcome]], None] = _no_progress
    wait: Callable[[float], bool] = _no_wait
    missing: Callable[[list[str]], None] = _nothing_missing


QUIET_RUN = DeliveryRun()  # no progress reports, no waits: for direct calls (tests, benchmarks, tools)


class Sink(Protocol):
    """A place papers are delivered to. Implementations raise `sync.errors.TransientError` (or its
    `ThrottledError`) or `ConfigurationError` for failures of the whole call and report per-paper results as
    outcomes (through `run.progress` as they happen, and as the returned list)."""

    spec: TargetSpec

    def check(self) -> TargetStatus: ...

    def prepare(self, requests: list[DeliveryRequest]) -> dict[int, str]:
        """Remote keys to persist *before* `deliver` (delivery_id -> key); empty when not needed."""
        ...

    def deliver(self, requests: list[DeliveryRequest], run: DeliveryRun = QUIET_RUN) -> list[DeliveryOutcome]: ...


@dataclass(frozen=True)
class SinkContext:
    """What building a sink needs, handed in by the server (sync/ reads no settings of its own)."""

    state_dir: Path  # per-deployment state: indexes, caches, locks
    zotero: ZoteroConfig
    zotero_timeout: float
    bibtex: BibtexOptions
    zotero_options: ZoteroOptions | None = None  # how items are made (PDF stored/linked/none, tags, notes)
    pdfs: PdfSource | None = None  # arXiv PDFs for storing in Zotero (paced, cached); None links them instead
    # name -> a back-off shared by every worker of the deployment (Redis); None keeps it per machine
    shared_backoff: Callable[[str], BackoffStore] | None = None


@dataclass(frozen=True)
class TargetKind:
    name: str
    example: str  # a spec shown in help and error messages
    normalize: Callable[[str, Path], str]  # location as written -> canonical location; raises InputError
    label: Callable[[str], str]
    build: Callable[[TargetSpec, SinkContext], Sink]
    # How a summary counts: papers written now, written again after a removal, found there already.
    words: tuple[str, str, str] = ("saved", "saved again", "already there")


def _zotero_location(location: str, _base: Path) -> str:
    parts = [p.strip() for p in location.strip("/").split("/")]
    if any(not p for p in parts):
        raise InputError(f"Empty collection name in zotero:{location}.", fix="Write collection paths like A/B.")
    return "/".join(parts)


def _bibtex_location(location: str, base: Path) -> str:
    """An absolute path with symlinks resolved, so a spec names the same file wherever it is used later."""
    path = Path(location).expanduser()
    return str((path if path.is_absolute() else base / path).resolve())


def _zotero_sink(spec: TargetSpec, context: SinkContext) -> Sink:
    from paperdrop.sync.zotero import ZoteroSink

    return ZoteroSink(
        context.zotero,
        spec,
        state_dir=context.state_dir / "zotero",
        timeout=context.zotero_timeout,
        options=context.zotero_options,
        pdfs=context.pdfs,
        shared_backoff=context.shared_backoff,
    )


def _bibtex_sink(spec: TargetSpec, context: SinkContext) -> Sink:
    from paperdrop.sync.bibtex import BibtexSink

    return BibtexSink(spec, state_dir=context.state_dir / "bibtex", options=context.bibtex)


KINDS: dict[str, TargetKind] = {
    "zotero": TargetKind(
        "zotero",
        "zotero:Reading/Robotics",
        _zotero_location,
        lambda loc: f"Zotero: {loc}",
        _zotero_sink,
        ("saved", "saved again", "already in Zotero"),
    ),
    "bibtex": TargetKind(
        "bibtex",
        "bibtex:refs.bib",
        _bibtex_location,
        lambda loc: Path(loc).name,
        _bibtex_sink,
        ("written", "written again", "already in the file"),
    ),
}


def parse_target_spec(spec: str, *, base_dir: Path | None = None) -> TargetSpec:
    """Parse `kind:location` for a kind in KINDS. Relative file paths are made absolute against `base_dir`
    (the caller's working directory by default)."""
    kind, sep, location = (spec or "").strip().partition(":")
    location = location.strip()
    if not sep or kind not in KINDS or not location:
        examples = " or ".join(f"'{k.example}'" for k in KINDS.values())
        raise InputError(f"Unknown target {spec!r}.", fix=f"Use a target like {examples}.")
    return TargetSpec(kind, KINDS[kind].normalize(location, base_dir or Path.cwd()))


def make_sink(spec: TargetSpec, context: SinkContext) -> Sink:
    """The sink of `spec`; an unknown kind is an error, never another kind's sink."""
    kind = KINDS.get(spec.kind)
    if kind is None:
        raise InputError(f"Unknown target kind {spec.kind!r}.", fix=f"Known kinds: {', '.join(KINDS)}.")
    return kind.build(spec, context)
