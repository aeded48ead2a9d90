"""Why a `bibtex:<path>` target cannot be written, said as the real problem with its fix, fast and lock-free.

Checked before the file lock is taken, so a target that can never be written (a path under /proc, a file used
as a directory, read-only media) is a ConfigurationError at once, never a lock that looks busy forever.
docs/design.md "The user's files are sacred": PaperDrop writes only `.bib` files, and never appends to an
existing file that does not read as BibTeX.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from pathlib import Path

from paperdrop.sync.bibtex.scanner import has_entry
from paperdrop.sync.errors import ConfigurationError, TransientError

# Kernel and virtual file systems: their "files" are interfaces, not documents (Linux names; devfs is macOS).
SPECIAL_FILESYSTEMS = frozenset(
    {
        "proc", "sysfs", "devtmpfs", "devpts", "devfs", "cgroup", "cgroup2", "debugfs", "tracefs", "securityfs",
        "pstore", "bpf", "configfs", "fusectl", "mqueue", "hugetlbfs", "binfmt_misc", "efivarfs", "selinuxfs",
        "autofs", "rpc_pipefs", "nsfs",
    }
)  # fmt: skip
# Where those live when the mount table cannot be read (no /proc/self/mountinfo, as on macOS).
_SPECIAL_ROOTS = ("/proc", "/sys", "/dev")
_OTHER_CHOICE = "or point the target at a .bib file in your home or data directory"
# Commands that make a file BibTeX even without entries (a file of @string definitions).
_COMMAND = re.compile(rb"^[ \t]*@[ \t]*(?:string|preamble|comment)[ \t]*[{(]", re.IGNORECASE | re.MULTILINE)
_OCTAL = re.compile(r"\\([0-7]{3})")
_PERMISSION = (errno.EACCES, errno.EPERM)
_FULL = (errno.ENOSPC, errno.EDQUOT)


def path_problem(path: Path) -> ConfigurationError | None:
    """Why `path` cannot be a BibTeX target, from the path and the file system alone; None when it can."""
    if path.suffix.lower() != ".bib":
        return ConfigurationError(
            f"{path} does not end in .bib: PaperDrop writes BibTeX only to .bib files.",
            fix=f"Name a .bib file, e.g. bibtex:{path.with_suffix('.bib')}.",
        )
    return _directory_problem(path.parent) or _file_problem(path)


def _directory_problem(directory: Path) -> ConfigurationError | None:
    existing = directory
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return ConfigurationError(
            f"{existing} is a file, not a directory, so {directory} cannot hold a .bib file.",
            fix=f"Choose a path inside a directory, {_OTHER_CHOICE}.",
        )
    if existing != directory:
        return ConfigurationError(
            f"The directory {directory} does not exist.",
            fix=f"Create it (mkdir -p '{directory}') {_OTHER_CHOICE}.",
        )
    kind = filesystem_type(directory)
    if kind in SPECIAL_FILESYSTEMS:
        return ConfigurationError(
            f"{directory} is on the special file system '{kind}' (an interface to the system, not a place for files).",
            fix="Point the target at a .bib file on a normal disk, e.g. in your home or data directory.",
        )
    if _read_only(directory):
        return ConfigurationError(
            f"{directory} is on a read-only file system (read-only media or a read-only mount).",
            fix=f"Remount it read-write, {_OTHER_CHOICE}.",
        )
    if not os.access(directory, os.W_OK | os.X_OK):
        return _no_permission(directory, f"to create files in {directory} (needed to replace the file atomically)")
    return None


def _file_problem(path: Path) -> ConfigurationError | None:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return _as_setup(setup_error(exc, path))
    if stat.S_ISDIR(mode):
        return ConfigurationError(f"{path} is a directory, not a .bib file.", fix="Name a file inside it.")
    if not stat.S_ISREG(mode):
        return ConfigurationError(
            f"{path} is not a regular file (a device, pipe or socket).", fix=f"Name a regular file, {_OTHER_CHOICE}."
        )
    # Root passes os.access on a 0444 file; a file with no write bit at all was made read-only on purpose.
    if not os.access(path, os.W_OK) or not mode & 0o222:
        return ConfigurationError(
            f"{path} is read-only.", fix=f"Allow writing (chmod u+w '{path}') or choose another file."
        )
    return None


def probe_directory(path: Path) -> ConfigurationError | None:
    """Create and remove a file beside the target, as a write will: permission bits do not tell the whole
    story (root, ACLs, network and FUSE file systems)."""
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.check-")
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        return _as_setup(setup_error(exc, path))
    return None


def content_problem(path: Path, data: bytes, has_entries: bool) -> ConfigurationError | None:
    """Why the existing bytes of `path` do not read as BibTeX, so nothing may be appended; None when they do."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return ConfigurationError(
            f"{path} is not a text BibTeX file (it holds NUL bytes: binary data or UTF-16 text); "
            "PaperDrop left it as it is.",
            fix="Save it as UTF-8 text, or point the target at another .bib file.",
        )
    if has_entries or not data.strip() or _COMMAND.search(data):
        return None
    stray = next((line for line in data.splitlines() if line.strip() and not line.lstrip().startswith(b"%")), None)
    if stray is None:
        return None  # only comments: an empty bibliography
    shown = stray.strip()[:60].decode("utf-8", "replace")
    return ConfigurationError(
        f"{path} does not read as BibTeX: it has no @entries, and text such as {shown!r}; "
        "PaperDrop appends only to BibTeX files and left it as it is.",
        fix="Point the target at a new or existing .bib file (or empty this one if it is meant for your references).",
    )


def existing_content_problem(path: Path) -> ConfigurationError | None:
    """content_problem for check(): the file read without the lock; a missing file has no problem."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        problem = setup_error(exc, path)
        return problem if isinstance(problem, ConfigurationError) else None
    return content_problem(path, data, has_entry(data))


def setup_error(exc: OSError, path: Path) -> ConfigurationError | TransientError:
    """An OS error while reading or writing the target, as what the user must fix or as worth a retry."""
    where = exc.filename or path
    if exc.errno in _PERMISSION:
        return _no_permission(Path(where), f"to write {where}")
    if exc.errno == errno.EROFS:
        return ConfigurationError(
            f"{where} is on a read-only file system.", fix=f"Remount it read-write, {_OTHER_CHOICE}."
        )
    if exc.errno in _FULL:
        return ConfigurationError(
            f"The disk holding {path} is full (or your quota is used up).",
            fix="Free some space; waiting deliveries are written when the target is checked again.",
        )
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return _directory_problem(path.parent) or ConfigurationError(
            f"Cannot create files beside {path}: {exc.strerror}.", fix=f"Check the path, {_OTHER_CHOICE}."
        )
    if exc.errno == errno.EISDIR:
        return ConfigurationError(f"{path} is a directory, not a .bib file.", fix="Name a file inside it.")
    return TransientError(f"Writing {path} failed: {exc.strerror or exc}; will retry.")


def _as_setup(problem: ConfigurationError | TransientError) -> ConfigurationError:
    """For check(): an unexpected error is a problem to show too, with a general fix."""
    if isinstance(problem, ConfigurationError):
        return problem
    return ConfigurationError(
        problem.message, fix="Check the directory and its file system, or choose another location."
    )


def _no_permission(where: Path, doing: str) -> ConfigurationError:
    return ConfigurationError(
        f"No permission {doing}.",
        fix=f"Give your user write access (ls -ld '{where}'; chmod u+w or chown) {_OTHER_CHOICE}.",
    )


def _read_only(directory: Path) -> bool:
    try:
        return bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def filesystem_type(directory: Path) -> str | None:
    """The type of the file system holding `directory` ("ext4", "proc", ...), from the mount table; where that
    cannot be read, "proc"/"sysfs"/"devfs" for the well-known roots and None otherwise."""
    real = os.path.realpath(directory)
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as handle:
            mounts = [_mount(line) for line in handle]
    except OSError:
        return next((root.strip("/") for root in _SPECIAL_ROOTS if _inside(real, root)), None)
    best: tuple[int, str] | None = None
    for point, kind in mounts:
        if kind and _inside(real, point) and (best is None or len(point) >= best[0]):
            best = (len(point), kind)  # the longest mount point wins; a later mount over the same one too
    return best[1] if best else None


def _mount(line: str) -> tuple[str, str]:
    """(mount point, file system type) of one /proc/self/mountinfo line (see proc(5))."""
    fields = line.split()
    try:
        separator = fields.index("-")
        point = _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), fields[4])  # \040 for a space, \011 for a tab
        return point, fields[separator + 1]
    except (ValueError, IndexError):
        return "", ""


def _inside(path: str, root: str) -> bool:
    return root == "/" or path == root or path.startswith(root.rstrip("/") + "/")
