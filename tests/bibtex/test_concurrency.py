"""Two writer processes, a crash before the rename, and an editor saving in the middle of a write."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import bibtexparser
from bibtexparser.bparser import BibTexParser

from paperdrop.sync.bibtex.atomic import FileChanged, read_snapshot, write_atomic

from .conftest import make_paper, request

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from paperdrop.sync.bibtex import BibtexSink
    from paperdrop.sync.targets import TargetSpec
    from tests.bibtex.conftest import make_paper, request

    bib, state, go, worker = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    sink = BibtexSink(TargetSpec("bibtex", str(bib)), state_dir=state)
    while not go.exists():
        time.sleep(0.001)
    for i in range(200):
        # Same author, year and first word in both processes: every key collides with the other's.
        paper = make_paper(f"2401.{worker}{i:04d}", title=f"Robots number {worker}-{i}")
        (outcome,) = sink.deliver([request(i, paper)])
        assert outcome.status == "delivered" and not outcome.already_present, outcome
    """
)


def run_python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_bibtex_sink_two_processes_append_400_unique_entries(tmp_path):
    bib, go = tmp_path / "papers.bib", tmp_path / "go"
    bib.write_text("% shared file\n")
    writers = [run_python(WRITER, str(bib), str(tmp_path / "state"), str(go), str(w)) for w in (1, 2)]
    go.touch()
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    entries = bibtexparser.loads(bib.read_text(), parser=BibTexParser(common_strings=False)).entries
    keys = [e["ID"] for e in entries]
    assert len(entries) == 400
    assert len(set(keys)) == 400
    assert {e["eprint"] for e in entries} == {f"2401.{w}{i:04d}" for w in (1, 2) for i in range(200)}
    assert bib.read_text().startswith("% shared file\n\n@misc{")


CRASHER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from paperdrop.sync.bibtex import BibtexSink
    from paperdrop.sync.targets import TargetSpec
    from tests.bibtex.conftest import make_paper, request

    os.replace = lambda src, dst: os._exit(17)  # the power goes out right before the rename
    sink = BibtexSink(TargetSpec("bibtex", sys.argv[1]), state_dir=Path(sys.argv[2]))
    sink.deliver([request(1, make_paper())])
    """
)


def test_bibtex_sink_crash_before_rename_leaves_original_intact(tmp_path, make_sink, bib):
    make_sink()  # creates the directory
    original = b"% precious\n@misc{a, title = {A}}\n"
    bib.write_bytes(original)
    crasher = run_python(CRASHER, str(bib), str(tmp_path / "state"))
    assert crasher.wait(timeout=60) == 17
    assert bib.read_bytes() == original
    leftovers = [p.name for p in bib.parent.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1  # the half-done temp file, never the .bib itself
    (outcome,) = make_sink().deliver([request(1, make_paper())])
    assert not outcome.already_present
    assert bib.read_bytes().startswith(original)
    assert not [p for p in bib.parent.iterdir() if p.name.endswith(".tmp")]


def test_write_atomic_refuses_to_overwrite_a_file_changed_since_read(tmp_path):
    bib = tmp_path / "papers.bib"
    bib.write_text("@misc{a, title = {A}}\n")
    snapshot = read_snapshot(bib)
    bib.write_text("@misc{a, title = {A}}\n@misc{b, title = {Saved by an editor}}\n")
    try:
        write_atomic(bib, [b"ours"], snapshot)
        raised = False
    except FileChanged:
        raised = True
    assert raised
    assert "Saved by an editor" in bib.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["papers.bib"]


def test_bibtex_sink_replans_when_an_editor_saves_during_the_write(make_sink, bib, monkeypatch):
    bib.write_text("@misc{a, title = {A}}\n")
    real_fsync = os.fsync
    calls = []

    def editor_saves_first(fd):
        calls.append(fd)
        if len(calls) == 1:  # while our temp file is being synced, the editor replaces the file
            edited = bib.with_name("editor.tmp")
            edited.write_text("@misc{a, title = {A}}\n@misc{b, eprint = {2403.12943}, title = {Editor}}\n")
            os.replace(edited, bib)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", editor_saves_first)
    outcomes = make_sink().deliver([request(1, make_paper()), request(2, make_paper("2402.1", title="New"))])
    assert [(o.remote_key, o.already_present) for o in outcomes] == [("b", True), ("jain2024new", False)]
    text = bib.read_text()
    assert text.startswith("@misc{a, title = {A}}\n@misc{b, eprint = {2403.12943}, title = {Editor}}\n")
    assert text.count("@misc{") == 3
