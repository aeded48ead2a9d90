"""The BibTeX sink: delivers papers into a `bibtex:<path>` target, exactly once, atomically, fast."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from filelock import Timeout

from paperdrop.sync.bibtex.atomic import (
    FileChanged,
    content_digest,
    lock_for,
    read_snapshot,
    remove_stale_temps,
    write_atomic,
)
from paperdrop.sync.bibtex.index import BibIndex, index_path
from paperdrop.sync.bibtex.plan import plan_delivery
from paperdrop.sync.bibtex.render import BibtexOptions
from paperdrop.sync.errors import ConfigurationError, TransientError
from paperdrop.sync.records import DeliveryOutcome, DeliveryRequest, TargetStatus
from paperdrop.sync.targets import QUIET_RUN, DeliveryRun, TargetSpec

# Errors the user must fix (the delivery waits); anything else from the OS is worth a later retry.
_SETUP_ERRNOS = {
    errno.EACCES,
    errno.EPERM,
    errno.EROFS,
    errno.ENOSPC,
    errno.EDQUOT,
    errno.ENOENT,
    errno.EISDIR,
}


class BibtexSink:
    """Appends entries to one .bib file. Citekeys are chosen under the file lock when writing, so
    `prepare` returns nothing. Instances hold no open resources between calls."""

    def __init__(
        self,
        spec: TargetSpec,
        *,
        state_dir: Path,
        options: BibtexOptions | None = None,
        lock_timeout: float = 30.0,
        write_attempts: int = 5,
    ):
        self.spec = spec
        # Write through symlinks: replacing a link by a regular file would break the user's setup.
        self.path = Path(os.path.realpath(Path(spec.location).expanduser()))
        self.state_dir = Path(state_dir)
        self.options = options or BibtexOptions()
        self.lock_timeout = lock_timeout
        self.write_attempts = write_attempts

    def check(self) -> TargetStatus:
        problem = self._setup_problem() or self._probe_directory()
        if problem is not None:
            return TargetStatus(str(self.spec), "bibtex", False, problem.message, problem.fix)
        if self.path.exists():
            message = f"{self.path} is writable ({self.path.stat().st_size} bytes)."
        else:
            message = f"{self.path} will be created on the first delivery."
        return TargetStatus(str(self.spec), "bibtex", True, message)

    def prepare(self, requests: list[DeliveryRequest]) -> dict[int, str]:
        return {}

    def deliver(self, requests: list[DeliveryRequest], run: DeliveryRun = QUIET_RUN) -> list[DeliveryOutcome]:
        """Write every request in one atomic replacement of the file. Raises ConfigurationError when the
        file cannot be written (nothing changes, deliveries stay pending) and TransientError when the lock
        is busy or the file keeps changing under us."""
        if not requests:
            return []
        problem = self._setup_problem()
        if problem is not None:
            raise problem
        try:
            # Short polls: a write takes milliseconds, filelock's default 50 ms poll would dominate.
            with lock_for(self.path, self.lock_timeout).acquire(poll_interval=0.005):
                remove_stale_temps(self.path)
                with BibIndex(index_path(self.state_dir, self.path)) as index:
                    return self._deliver_locked(requests, index)
        except Timeout as exc:
            raise TransientError(
                f"{self.path} is locked by another PaperDrop writer.", retry_after=self.lock_timeout
            ) from exc
        except OSError as exc:
            raise self._translate(exc) from exc

    def _deliver_locked(self, requests: list[DeliveryRequest], index: BibIndex) -> list[DeliveryOutcome]:
        for _ in range(self.write_attempts):
            snapshot = read_snapshot(self.path)
            index.sync(snapshot)
            plan = plan_delivery(requests, index, snapshot.data, self.options)
            if not plan.changed:
                return plan.outcomes
            index.mark_owned(plan.owned)
            try:
                written = write_atomic(self.path, plan.data, snapshot)
            except FileChanged:
                continue  # an editor saved meanwhile: plan again against what is there now
            index.record_write(
                plan.replaced, plan.appended, written.st_size, written.st_mtime_ns, content_digest(plan.data)
            )
            return plan.outcomes
        raise TransientError(f"{self.path} kept changing while PaperDrop was writing to it; will retry.")

    def _setup_problem(self) -> ConfigurationError | None:
        """Why the file cannot be written, as an error that says how to fix it; None when it can."""
        directory = self.path.parent
        if not directory.is_dir():
            return ConfigurationError(
                f"The directory {directory} of BibTeX target {self.spec} does not exist.",
                fix=f"Create it (mkdir -p '{directory}') or point the target at an existing directory.",
            )
        if self.path.is_dir():
            return ConfigurationError(f"{self.path} is a directory, not a .bib file.", fix="Name a file.")
        if self.path.exists() and not _is_writable_file(self.path):
            return ConfigurationError(
                f"{self.path} is read-only.",
                fix=f"Allow writing (chmod u+w '{self.path}') or choose another file.",
            )
        if not os.access(directory, os.W_OK | os.X_OK):
            return ConfigurationError(
                f"No permission to create files in {directory} (needed to replace {self.path.name} atomically).",
                fix=f"Allow writing to the directory (chmod u+w '{directory}') or choose another location.",
            )
        return None

    def _probe_directory(self) -> ConfigurationError | None:
        """Create and remove a file beside the target, as a write will: permission bits do not tell the
        whole story (root, ACLs, read-only or special file systems)."""
        try:
            fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.check-")
            os.close(fd)
            os.unlink(name)
        except OSError as exc:
            if exc.errno in _SETUP_ERRNOS:
                return self._setup_error(exc)
            return ConfigurationError(
                f"Cannot create files beside {self.path}: {exc.strerror or exc}.",
                fix="Check the directory's permissions, or choose another location.",
            )
        return None

    def _translate(self, exc: OSError) -> ConfigurationError | TransientError:
        if exc.errno in _SETUP_ERRNOS:
            return self._setup_error(exc)
        return TransientError(f"Writing {self.path} failed: {exc.strerror or exc}; will retry.")

    def _setup_error(self, exc: OSError) -> ConfigurationError:
        return ConfigurationError(
            f"Cannot write BibTeX target {self.spec}: {exc.strerror} ({exc.filename or self.path}).",
            fix="Check the path, its permissions and the free disk space, then retry.",
        )


def _is_writable_file(path: Path) -> bool:
    # Root passes os.access on a 0444 file; a file with no write bit at all was made read-only on purpose.
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)
