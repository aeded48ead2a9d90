"""Text fixtures made from the fake arXiv's corpus, so that every paper they name exists in it.

Run through tests/data/arxiv_corpus_build.py. Writes into tests/data/digests/:
- hf-papers-digest-86.txt: the sample digest (its 30 papers, as they are) followed by the 56 of
  tests/data/digest_86.py in digest order: the same "title line, blank line, abstract" layout.
- hf-daily-papers.txt: a Hugging Face daily page as a browser's select-all and copy gives its text, without
  links: navigation, the date line (with the "[ - ][31]" markers the issue's reporter saw), "Submitted by"
  and a user name, upvote and comment counters, "· N authors"; each title directly followed by its abstract.
- arxiv-mail-cs.txt: an arXiv daily e-mail digest in arXiv's listing format (see sync/digest/arxiv_text.py
  for the source of the format), new submissions, cross-lists and replacements, whose comments and
  abstracts mention other papers ("see also arXiv:...").
"""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

import digest_86

HERE = Path(__file__).resolve().parent
OUT = HERE / "digests"
RULE = "-" * 78
CROSS = "%-" * 39
REP = "%%--" * 19 + "%%"
END = "%%%---" * 13

HF_PAPERS = [  # a day's page: question, exclamation and full-stop titles, a two-word title, one from the sample
    "2205.11656",
    "2305.06161",
    "2411.07113",
    "2310.06770",
    "2305.16301",
    "2310.06825",
    "2406.09246",
    "2403.12943",
]
HF_HEADER = """Hugging Face
Models
Datasets
Spaces
Posts
Docs
Enterprise
Pricing
Log In
Sign Up

Daily Papers
by AK and the research community

Jun 29 [ - ][31]
Previous
Next

Search any paper with AI
Daily
Weekly
Monthly
"""
MAIL_NEW = ["2409.12192", "2409.06957", "2410.05255", "2410.18647"]
MAIL_CROSS = ["2410.04612", "2406.04806"]
MAIL_REPLACED = ["2403.12943", "2306.06569", "2005.09814"]
MENTIONS = {  # where other papers are named: the e-mail's comments and abstracts
    "2409.12192": ("comment", "NeurIPS 2024. Code and data: see also arXiv:2303.04137 and arXiv:2304.13705"),
    "2410.05255": ("abstract", "We build on the benchmark of arXiv:2108.03298 (see also arXiv:2401.99999)."),
    "2410.18647": ("abstract", "Unlike DynaMo (arXiv:2409.12192), we study scaling laws; cf. arXiv:2001.08361."),
    "2406.04806": ("comment", "Extended version of arXiv:2212.06817; supersedes hep-th/9901001v2"),
    "2306.06569": ("comment", "Accepted to ICML 2023. Follow-up: arXiv:2405.19909"),
}


def write_all(corpus: dict, sample: Path) -> list[Path]:
    by_id = {p["id"]: p for p in corpus["papers"]}
    outputs = {
        "hf-papers-digest-86.txt": digest_86_text(corpus, sample),
        "hf-daily-papers.txt": hf_page_text(by_id),
        "arxiv-mail-cs.txt": arxiv_mail(by_id),
    }
    paths = []
    for name, text in outputs.items():
        path = OUT / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def digest_86_text(corpus: dict, sample: Path) -> str:
    abstracts = {pid: abstract for pid, _, _, abstract, _ in digest_86.PAPERS}  # the digest's, not arXiv's
    blocks = [f"{title}\n\n{abstracts[pid]}\n" for title, pid in corpus["truth_86"][len(corpus["truth"]) :]]
    return sample.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + "\n".join(blocks)


def hf_page_text(by_id: dict) -> str:
    rng = random.Random(629)
    cards = []
    for pid in HF_PAPERS:
        paper = by_id[pid]
        submitter = rng.choice(["akhaliq", "AK", "taesiri", "nielsr", "hysts", "osanseviero"])
        cards.append(
            f"Submitted by\n{submitter}\n{rng.randint(3, 180)}\nUpvote\n{paper['title']}\n"
            f"· {_count(len(paper['authors']), 'author')}\n{paper['abstract']}\n{rng.randint(1, 12)}\n"
        )
    return HF_HEADER + "\n" + "\n".join(cards) + "\nSystem theme\nCompany\nTOS\nPrivacy\nAbout\nJobs\n"


def arxiv_mail(by_id: dict) -> str:
    head = [
        RULE,
        RULE,
        "Send any comments regarding submissions directly to submitter.",
        RULE,
        "Archives at http://arxiv.org/",
        "To unsubscribe, e-mail To: cs@arXiv.org, Subject: cancel",
        RULE,
        " Submissions to:",
        "Artificial Intelligence",
        "Computer Vision and Pattern Recognition",
        "Machine Learning",
        "Robotics",
        " received from  Thu 24 Oct 24 18:00:00 GMT  to  Fri 25 Oct 24 18:00:00 GMT",
        RULE,
        RULE,
    ]
    new = [_mail_entry(by_id[i], "") for i in MAIL_NEW]
    cross = [_mail_entry(by_id[i], " (*cross-listing*)") for i in MAIL_CROSS]
    replaced = [_mail_replacement(by_id[i]) for i in MAIL_REPLACED]
    body = (
        f"\n{RULE}\n".join(new)
        + f"\n{CROSS}\n"
        + f"\n{RULE}\n".join(cross)
        + f"\n{REP}\n{RULE}\n"
        + f"\n{RULE}\n".join(replaced)
        + f"\n{END}\n"
    )
    return "\n".join(head) + "\n" + body


def _mail_entry(paper: dict, kind: str) -> str:
    where, mention = MENTIONS.get(paper["id"], ("", ""))
    comment = mention if where == "comment" else paper.get("comment")
    abstract = paper["abstract"] + (f" {mention}" if where == "abstract" else "")
    lines = ["\\\\", f"arXiv:{paper['id']}{kind}", f"Date: {_mail_date(paper['versions'][0]['date'])}   (1234kb,D)", ""]
    lines += _field("Title", paper["title"]) + _field("Authors", _names(paper))
    lines += _field("Categories", " ".join(paper["categories"]))
    if comment:
        lines += _field("Comments", comment)
    lines.append("\\\\")
    lines += textwrap.wrap(abstract, width=79, initial_indent="  ", break_on_hyphens=False)
    lines.append(f"\\\\ ( https://arxiv.org/abs/{paper['id']} ,  1234kb)")
    return "\n".join(lines)


def _mail_replacement(paper: dict) -> str:
    where, mention = MENTIONS.get(paper["id"], ("", ""))
    comment = mention if where == "comment" else paper.get("comment")
    latest = paper["versions"][-1]["date"]
    lines = ["\\\\", f"arXiv:{paper['id']}", f"replaced with revised version {_mail_date(latest)}   (2345kb)", ""]
    lines += _field("Title", paper["title"]) + _field("Authors", _names(paper))
    lines += _field("Categories", " ".join(paper["categories"]))
    if comment:
        lines += _field("Comments", comment)
    lines.append(f"\\\\ ( https://arxiv.org/abs/{paper['id']} ,  2345kb)")
    return "\n".join(lines)


def _field(name: str, value: str) -> list[str]:
    """`Name: value`, wrapped at 80 columns with two-space continuation lines, as arXiv writes fields."""
    return textwrap.wrap(f"{name}: {value}", width=80, subsequent_indent="  ", break_on_hyphens=False)


def _names(paper: dict) -> str:
    names = [a if isinstance(a, str) else a["name"] for a in paper["authors"]]
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _mail_date(iso: str) -> str:
    from datetime import datetime

    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").strftime("%a, %d %b %Y %H:%M:%S GMT")
