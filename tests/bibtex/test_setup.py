"""Setup mistakes get the real problem and a fix, at once; files that are not BibTeX are never appended to."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from paperdrop.sync.bibtex.setup import filesystem_type, setup_error
from paperdrop.sync.errors import ConfigurationError, TransientError

from .conftest import make_paper, request


def refused(sink) -> ConfigurationError:
    status = sink.check()
    assert not status.reachable and status.fix
    with pytest.raises(ConfigurationError) as info:
        sink.deliver([request(1, make_paper())])
    assert (info.value.message, info.value.fix) == (status.message, status.fix)
    return info.value


@pytest.mark.parametrize("name", ["refs.txt", "refs", "refs.bib.bak", "cron.d"])
def test_bibtex_sink_refuses_a_path_that_does_not_end_in_bib(make_sink, bib, name):
    problem = refused(make_sink(bib.parent / name))
    assert "does not end in .bib" in problem.message
    assert not (bib.parent / name).exists()


def test_bibtex_sink_accepts_bib_in_any_case(make_sink, bib):
    (outcome,) = make_sink(bib.parent / "Refs.BIB").deliver([request(1, make_paper())])
    assert outcome.status == "delivered"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"# cron table\n*/5 * * * * root backup\n", "does not read as BibTeX"),
        (b"[section]\nname = value\n", "does not read as BibTeX"),
        (b"@dataclass(frozen=True)\nclass Paper: pass\n", "does not read as BibTeX"),
        ("@misc{a, title = {A}}\n".encode("utf-16"), "NUL bytes"),
        (b"%PDF-1.7\n\x00\x01\x02binary", "NUL bytes"),
    ],
)
def test_bibtex_sink_never_appends_to_a_file_that_is_not_bibtex(make_sink, bib, content, says):
    bib.write_bytes(content)
    problem = refused(make_sink())
    assert says in problem.message and str(bib) in problem.message
    assert bib.read_bytes() == content


@pytest.mark.parametrize(
    "content",
    [b"", b"\n  \n", b"% my references\n%\n", b"@string{nips = {NeurIPS}}\n", b"@comment{jabref-meta: x}\n"],
)
def test_bibtex_sink_appends_to_empty_comment_only_and_string_only_files(make_sink, bib, content):
    bib.write_bytes(content)
    assert make_sink().check().reachable
    (outcome,) = make_sink().deliver([request(1, make_paper())])
    assert outcome.status == "delivered"
    assert bib.read_bytes().startswith(content)


def test_bibtex_sink_on_proc_says_special_file_system_without_waiting_on_a_lock(make_sink):
    problem = refused(make_sink(Path("/proc/refs.bib")))
    assert "special file system 'proc'" in problem.message
    assert "locked" not in problem.message
    assert not os.path.lexists("/proc/.refs.bib.lock")


def test_bibtex_sink_says_when_a_file_is_used_as_a_directory(make_sink, tmp_path):
    (tmp_path / "passwd").write_text("root:x:0:0::/root:/bin/sh\n")
    problem = refused(make_sink(tmp_path / "passwd" / "sub" / "refs.bib"))
    passwd = tmp_path / "passwd"
    assert problem.message == f"{passwd} is a file, not a directory, so {passwd / 'sub'} cannot hold a .bib file."
    assert "mkdir" not in problem.fix
    assert (tmp_path / "passwd").read_text() == "root:x:0:0::/root:/bin/sh\n"


def test_bibtex_sink_refuses_a_path_that_is_not_a_regular_file(make_sink, bib):
    os.mkfifo(bib)
    assert "not a regular file" in refused(make_sink()).message


def test_bibtex_sink_on_a_read_only_file_system_says_so(make_sink, tmp_path):
    if os.geteuid() != 0:  # mounting needs root; the error translation is the same path (below)
        assert "read-only file system" in setup_error(OSError(errno.EROFS, "Read-only", "x.bib"), Path("x.bib")).message
        return
    media = tmp_path / "media"
    media.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(media)], check=True)
    try:
        problem = refused(make_sink(media / "refs.bib"))
    finally:
        subprocess.run(["umount", str(media)], check=True)
    assert "read-only file system" in problem.message and "Remount it read-write" in problem.fix


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (errno.EACCES, "No permission to write"),
        (errno.EPERM, "No permission to write"),
        (errno.EROFS, "read-only file system"),
        (errno.ENOSPC, "is full"),
        (errno.EDQUOT, "is full"),
    ],
)
def test_setup_error_says_what_the_user_must_fix(tmp_path, code, says):
    problem = setup_error(OSError(code, os.strerror(code), str(tmp_path / "refs.bib")), tmp_path / "refs.bib")
    assert isinstance(problem, ConfigurationError)
    assert says in problem.message and problem.fix


def test_setup_error_keeps_other_failures_worth_a_retry(tmp_path):
    problem = setup_error(OSError(errno.EIO, "I/O error"), tmp_path / "refs.bib")
    assert isinstance(problem, TransientError)


def test_filesystem_type_knows_special_and_ordinary_places(tmp_path):
    assert filesystem_type(Path("/proc")) == "proc"
    assert filesystem_type(Path("/proc/self")) == "proc"
    assert filesystem_type(Path("/sys/kernel")) == "sysfs"
    assert filesystem_type(tmp_path) not in (None, "proc", "sysfs", "devtmpfs")
