"""Benchmark: adding papers to a 20,000-entry .bib file with BibtexSink vs. "parse, add, write back".

Run: .venv/bin/python bench/bench_bibtex.py [--entries 20000] [--repeat 5]
Targets: add 1 paper < 100 ms, add 50 papers < 300 ms. The baseline parses the whole file with
bibtexparser 1.x, appends the entries and writes the file back, measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bibtexparser
from bibtexparser.bparser import BibTexParser
from bibtexparser.bwriter import BibTexWriter

from paperdrop.sync.bibtex import BibtexSink, render_entries
from paperdrop.sync.records import DeliveryRequest, PaperRecord
from paperdrop.sync.targets import TargetSpec


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


def timed(action) -> float:
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


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--entries", type=int, default=20000)
    args.add_argument("--repeat", type=int, default=5)
    options = args.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-bibtex-"))
    bib = work / "papers.bib"
    bib.write_text(library_text(options.entries), encoding="utf-8")
    sink = BibtexSink(TargetSpec("bibtex", str(bib)), state_dir=work / "state")
    counter = iter(range(1, 10**6))

    def add(count: int) -> None:
        outcomes = sink.deliver([DeliveryRequest(next(counter), paper(next(counter))) for _ in range(count)])
        assert all(o.status == "delivered" and not o.already_present for o in outcomes)

    size_mb = bib.stat().st_size / 1e6
    print(f"file: {options.entries} entries, {size_mb:.1f} MB ({bib})")
    cold = timed(lambda: add(1))
    print(f"first add, no index yet (full scan + add):     {cold:8.1f} ms")
    one = [timed(lambda: add(1)) for _ in range(options.repeat)]
    fifty = [timed(lambda: add(50)) for _ in range(options.repeat)]
    rescans = []
    for i in range(options.repeat):
        with bib.open("a", encoding="utf-8") as handle:  # an editor adds an entry by hand
            handle.write(f"\n@misc{{handmade{i}, title = {{Typed by hand {i}}}}}\n")
        rescans.append(timed(lambda: add(1)))
    print(f"add 1 paper   (median of {options.repeat}): {statistics.median(one):8.1f} ms  (target < 100)")
    print(f"add 50 papers (median of {options.repeat}): {statistics.median(fifty):8.1f} ms  (target < 300)")
    print(f"first add after an outside edit (rescan, median): {statistics.median(rescans):8.1f} ms")
    copy = work / "baseline.bib"
    copy.write_bytes(bib.read_bytes())
    base_one = timed(lambda: baseline_add(copy, [paper(900001)]))
    print(f"baseline: bibtexparser parse + add 1 + write:    {base_one:8.1f} ms  (one run)")
    print(f"speed-up for one add: {base_one / statistics.median(one):.0f}x")


if __name__ == "__main__":
    main()
