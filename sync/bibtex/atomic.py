"""Reading a .bib file as a snapshot and replacing it atomically: temp file, fsync, rename, same permissions.

docs/design.md "The user's files are sacred": writes are atomic under a file lock, and a file changed by someone
else meanwhile is re-read, not overwritten. The rename swaps the inode, so the lock is a separate file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock

from paperdrop.sync.bibtex.layout import CHUNK, chunk_digests

TEMP_MARK = ".paperdrop-"


class FileChanged(Exception):
    """The file changed between our read and our rename (an editor saved it): read it again."""


@dataclass(frozen=True)
class FileSnapshot:
    """The bytes of the file as read, and the stat they were read under (all zero when it does not exist)."""

    data: bytes
    exists: bool
    size: int = 0
    mtime_ns: int = 0
    inode: int = 0
    mode: int = 0
    uid: int = -1
    gid: int = -1

    @cached_property  # hashed once per read: ~1.5 ms for a 10 MB file
    def digests(self) -> bytes:
        return chunk_digests(self.data)


def read_snapshot(path: Path) -> FileSnapshot:
    try:
        with open(path, "rb") as handle:
            before = os.fstat(handle.fileno())
            data = handle.read()
    except FileNotFoundError:
        return FileSnapshot(b"", exists=False)
    return FileSnapshot(
        data,
        True,
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
        before.st_mode,
        before.st_uid,
        before.st_gid,
    )


def lock_for(path: Path, timeout: float) -> FileLock:
    """The lock every PaperDrop writer of `path` takes, whatever its data directory: `.<name>.lock` beside it."""
    return FileLock(str(path.with_name(f".{path.name}.lock")), timeout=timeout)


def write_atomic(path: Path, pieces: Sequence[bytes | memoryview], expected: FileSnapshot) -> os.stat_result:
    """Replace `path` by the concatenated `pieces` unless it changed since `expected` was read (then raise
    FileChanged).

    A crash at any point leaves either the old file or the new one, never a mix; a leftover temp file is
    removed by `remove_stale_temps` on the next write."""
    temp = path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}.tmp")
    # A new file gets the usual 0o666 minus umask; an existing one keeps its mode (and owner, if allowed).
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if expected.exists else 0o666)
    try:
        with open(fd, "wb", closefd=True) as handle:
            handle.writelines(pieces)
            handle.flush()
            if expected.exists:
                _copy_owner_and_mode(handle.fileno(), expected)
            os.fsync(handle.fileno())
        if has_changed(path, expected):
            raise FileChanged(str(path))
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(path.parent)
    return os.stat(path)


def has_changed(path: Path, expected: FileSnapshot) -> bool:
    """Did anyone write `path` since `expected` was read? The stat first; then the content's digests, because
    an editor that rewrites a file in place with the same size within one timestamp tick leaves the stat as it
    was. Read in blocks: a second 10 MB buffer costs more than the digests."""
    try:
        with open(path, "rb") as handle:
            now = os.fstat(handle.fileno())
            identity = (now.st_size, now.st_mtime_ns, now.st_ino)
            if not expected.exists or identity != (expected.size, expected.mtime_ns, expected.inode):
                return True
            return _digests_of(handle) != expected.digests
    except FileNotFoundError:
        return expected.exists


def _digests_of(handle: BinaryIO) -> bytes:
    block = bytearray(64 * CHUNK)
    digests = []
    while read := handle.readinto(block):  # type: ignore[attr-defined]
        digests.append(chunk_digests(memoryview(block)[:read]))
    return b"".join(digests)


def remove_stale_temps(path: Path) -> list[Path]:
    """Delete temp files a crashed writer left beside `path`. Only call under the lock: then no writer is live."""
    removed = []
    for temp in path.parent.glob(f".{_glob_escape(path.name)}{TEMP_MARK}*.tmp"):
        with contextlib.suppress(OSError):
            temp.unlink()
            removed.append(temp)
    return removed


def _copy_owner_and_mode(fd: int, expected: FileSnapshot) -> None:
    with contextlib.suppress(PermissionError):  # only root may give a file away; keep our ownership then
        os.fchown(fd, expected.uid, expected.gid)
    os.fchmod(fd, expected.mode & 0o7777)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); some filesystems refuse fsync on directories."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)
