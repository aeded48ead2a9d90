"""Benchmark: adding papers to a 20,000-entry .bib file with BibtexSink, and the first save after outside edits.

Run: .venv/bin/python bench/bench_bibtex.py [--entries 20000] [--repeat 7] [--no-parser-baseline]
Targets (issue "delivery that tells the truth", point 6): add 1 paper to an unchanged file < 50 ms; the first
save after an outside edit <= 150 ms. Baselines measured in the same run: the same save after a full rescan
(the index rebuilt from the whole file, which is what every outside edit cost before the incremental index),
and "parse, add, write back" with bibtexparser 1.x (about a minute for 20,000 entries).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bibtexparser
from bibtexparser.bparser import BibTexParser
from bibtexparser.bwriter import BibTexWriter

from paperdrop.sync.bibtex import BibtexSink, render_entries
from paperdrop.sync.records import DeliveryRequest, PaperRecord
from paperdrop.sync.targets import DeliveryRun, TargetSpec


def library_text(count: int) -> str:
    """A realistic hand-grown library: mixed entry types, TeX accents, abstracts, a few comments."""
    parts = ["% My library\n@string{neurips = {Advances in Neural Information Processing Systems}}\n"]
    for i in range(count):
        parts.append(
            f"@article{{author{i}20{i % 25:02d}word{i},\n"
            f'  title = {{A {{Study}} of Things, Number {i}: $\\alpha$-Methods for M{{\\"u}}ller Graphs}},\n'
            f"  author = {{Smith, John and Doe, Jane and van der Berg, Jan and Person{i}, Some}},\n"
            f"  journal = {{arXiv preprint arXiv:1{i % 9}0{i % 10}.{i:05d}}},\n"
            f"  year = {{20{i % 25:02d}}},\n"
            f"  doi = {{10.1000/journal.{i}}},\n"
            f"  url = {{https://example.org/papers/{i}}},\n"
            f"  abstract = {{Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
            f"incididunt ut labore et dolore magna aliqua {{X}}.}}\n}}\n"
        )
        if i % 1000 == 0:
            parts.append(f"% section {i // 1000}\n")
    return "\n".join(parts)


def paper(n: int) -> PaperRecord:
    when = datetime(2024, 5, 1, tzinfo=UTC)
    return PaperRecord(
        f"2405.{n:05d}", 1, f"Benchmark Paper {n}: Fast {{BibTeX}} for $O(1)$ Appends", ["Ada Lovelace", "Alan Turing"],
        "An abstract.", when, when, "cs.DL", ["cs.DL"],
    )  # fmt: skip


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def baseline_add(path: Path, papers: list[PaperRecord]) -> None:
    """What a naive tool does: parse everything, add, write everything back."""
    parser = BibTexParser(common_strings=False, ignore_nonstandard_types=False, interpolate_strings=False)
    database = bibtexparser.loads(path.read_text(encoding="utf-8"), parser=parser)
    new = bibtexparser.loads(render_entries([(p, f"bench{p.arxiv_id}") for p in papers]))
    database.entries.extend(new.entries)
    path.write_text(BibTexWriter().write(database), encoding="utf-8")


class Bench:
    def __init__(self, bib: Path, state: Path):
        self.bib, self.state = bib, state
        self.sink = BibtexSink(TargetSpec("bibtex", str(bib)), state_dir=state)
        self.counter = iter(range(1, 10**6))
        self.missing: list[str] = []
        self.run = DeliveryRun(missing=self.missing.extend)
        self.written: list[str] = []

    def add(self, count: int = 1) -> None:
        requests = [DeliveryRequest(next(self.counter), paper(next(self.counter))) for _ in range(count)]
        outcomes = self.sink.deliver(requests, self.run)
        assert all(o.status == "delivered" and not o.already_present for o in outcomes), outcomes
        self.written += [o.remote_key for o in outcomes if o.remote_key]

    def after_edit(self, edit: Callable[[bytes], bytes]) -> float:
        self.bib.write_bytes(edit(self.bib.read_bytes()))
        return timed(self.add)

    def after_full_rescan(self, edit: Callable[[bytes], bytes]) -> float:
        """The same edit and save with the index rebuilt from a full scan of the file (what every outside edit
        cost before); ownership marks are kept, as they are on every rebuild."""
        self.bib.write_bytes(edit(self.bib.read_bytes()))
        (index,) = self.state.glob("bibtex-index-*.sqlite3")
        with sqlite3.connect(index) as db:
            db.execute("UPDATE meta SET value = 'stale' WHERE name = 'schema'")
        return timed(self.add)


def edits(bench: Bench) -> dict[str, Callable[[bytes], bytes]]:
    def typed_at_end(data: bytes) -> bytes:
        return data + b"\n@misc{handmade%d, title = {Typed by hand}}\n" % len(data)

    def typo_in_middle(data: bytes) -> bytes:
        at = data.index(b"Lorem", len(data) // 2)
        return data[:at] + b"Edited " + data[at:]

    def entry_deleted_near_top(data: bytes) -> bytes:
        start = data.index(b"@article{", 5000)
        stop = data.index(b"\n}\n", start) + 3
        return data[:start] + data[stop:]

    def owned_entry_deleted(data: bytes) -> bytes:
        key = bench.written.pop(0).encode()
        start = data.index(b"@misc{" + key + b",")
        return data[:start] + data[data.index(b"\n}\n", start) + 3 :]

    return {
        "entry typed at the end": typed_at_end,
        "typo fixed in the middle": typo_in_middle,
        "entry deleted near the top": entry_deleted_near_top,
        "PaperDrop's entry deleted (reported missing)": owned_entry_deleted,
    }


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            return next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--entries", type=int, default=20000)
    args.add_argument("--repeat", type=int, default=7)
    args.add_argument("--no-parser-baseline", action="store_true", help="skip the ~1 min bibtexparser baseline")
    options = args.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-bibtex-"))
    bib = work / "papers.bib"
    bib.write_text(library_text(options.entries), encoding="utf-8")
    bench = Bench(bib, work / "state")
    median = statistics.median
    print(f"machine: {cpu_model()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"file: {options.entries} entries, {bib.stat().st_size / 1e6:.1f} MB ({bib})")
    print(f"first add, no index yet (full scan + add):          {timed(bench.add):8.1f} ms")
    one = [timed(bench.add) for _ in range(options.repeat)]
    fifty = [timed(lambda: bench.add(50)) for _ in range(options.repeat)]
    print(f"add 1 paper, unchanged file   (median of {options.repeat}): {median(one):8.1f} ms  (target < 50)")
    print(f"add 50 papers, unchanged file (median of {options.repeat}): {median(fifty):8.1f} ms")
    print(f"first add after an outside edit (median of {options.repeat}):  incremental | full rescan (same run)")
    for name, edit in edits(bench).items():
        incremental = [bench.after_edit(edit) for _ in range(options.repeat)]
        full = [bench.after_full_rescan(edit) for _ in range(3)]
        print(f"  {name:46} {median(incremental):8.1f} ms | {median(full):8.1f} ms  (target <= 150)")
    print(f"  entries reported missing through run.missing: {len(bench.missing)}")
    for name, edit in {"editor re-saves it with CRLF": lambda d: d.replace(b"\n", b"\r\n")}.items():
        print(f"  {name:46} {bench.after_edit(edit):8.1f} ms  (every chunk changed: a whole rescan)")
    if not options.no_parser_baseline:
        copy = work / "baseline.bib"
        copy.write_bytes(bib.read_bytes().replace(b"\r\n", b"\n"))
        base_one = timed(lambda: baseline_add(copy, [paper(900001)]))
        print(f"baseline: bibtexparser parse + add 1 + write:       {base_one:8.1f} ms  (one run)")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
