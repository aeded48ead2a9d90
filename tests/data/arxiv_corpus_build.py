"""Builds tests/data/arxiv_corpus.json, the fake arXiv's corpus: `python tests/data/arxiv_corpus_build.py`.

The 30 papers of tests/data/digests/hf-papers-digest.txt (real ids where known), some whose latest title
differs from the digest's (an earlier version's title), near-miss papers (one word changed, a shared
prefix, an added subtitle, the same title with another abstract), old-style ids, TeX in titles, and a few
hundred deterministic fillers in the same fields. `truth` maps each digest title to its arXiv id.
Then the 56 papers of tests/data/digest_86.py with their near-misses (appended with their own random
generator, so that everything above stays as it was), and `truth_86`: the 86-paper digest, in order.
It also writes the text fixtures made from the corpus (tests/data/digests_build.py).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import digest_86  # noqa: E402
import digests_build  # noqa: E402

DIGEST = HERE / "digests" / "hf-papers-digest.txt"

# digest title -> (id, primary category, other categories, versions, latest title if it changed)
PAPERS = [
    ("2403.12943", "cs.RO", ["cs.CV", "cs.LG"], 2, None),
    ("2408.03906", "cs.RO", ["cs.LG"], 1, None),
    ("2412.00569", "cs.LG", ["stat.ML"], 1, None),
    ("2310.17966", "cs.LG", ["cs.AI"], 2, None),
    ("2409.12192", "cs.RO", ["cs.LG"], 3, None),
    ("2306.06569", "cs.LG", [], 2, None),
    ("2211.08416", "cs.RO", ["cs.LG"], 3, "Sirius: Human-in-the-Loop Robot Partnership on the Job at Deployment Time"),
    ("2309.04747", "cs.CV", ["cs.LG"], 1, None),
    ("2410.18647", "cs.RO", ["cs.LG"], 2, None),
    ("2403.09472", "cs.LG", ["cs.AI", "cs.CL"], 3, None),
    ("2410.05255", "cs.CV", ["cs.LG"], 1, None),
    ("2411.19309", "cs.RO", ["cs.AI"], 2, None),
    ("2405.08448", "cs.LG", ["cs.AI", "cs.CL"], 1, None),
    ("2306.05696", "cs.RO", ["cs.AI"], 2, None),
    ("2401.11349", "cs.LG", ["physics.flu-dyn"], 1, None),
    ("2310.04407", "cs.IR", ["cs.CL", "cs.LG"], 3, None),
    ("2308.02585", "cs.LG", ["cs.AI"], 5, None),
    ("2312.02178", "cs.AI", ["cs.LG"], 2, "Adaptive Roguelike NPCs: Deep Networks That Follow Shifting Game Design"),
    (
        "2406.14568",
        "eess.IV",
        ["cs.CV", "cs.LG"],
        2,
        "Policy Gradient-Driven Noise Mask for Multi-Modal and Multi-Organ Medical Image Classification",
    ),
    ("2409.06957", "cs.LG", ["cs.CL", "cs.SE"], 4, None),
    ("2404.06356", "cs.LG", [], 1, None),
    ("2405.19909", "cs.LG", ["cs.AI"], 2, None),
    ("2412.06782", "cs.RO", ["cs.CV"], 2, None),
    ("2406.04806", "cs.RO", ["cs.LG"], 1, None),
    ("2410.04612", "cs.LG", ["cs.CL"], 2, None),
    ("2312.08369", "cs.LG", ["stat.ML"], 1, None),
    ("2404.14367", "cs.LG", ["cs.CL"], 3, None),
    ("2312.13301", "cs.LG", ["cs.CV"], 1, None),
    ("2209.14610", "cs.LG", ["cs.AI", "cs.CL", "cs.CV"], 3, None),
    ("2005.09814", "cs.LG", ["cs.AI", "stat.ML"], 4, None),
]
EXTRAS = {  # comment / journal_ref / publisher DOI where the real entries carry them
    "2403.12943": {
        "comment": "Robotics: Science and Systems (RSS 2024)",
        "journal_ref": "Robotics: Science and Systems 2024",
        "doi": "10.15607/RSS.2024.XX.052",
    },
    "2306.06569": {"comment": "Accepted to ICML 2023"},
    "2211.08416": {"comment": "Robotics: Science and Systems (RSS 2023)"},
    "2209.14610": {"comment": "ICLR 2023. 26 pages and 18 figures"},
    "2005.09814": {"journal_ref": "ICLR 2022", "comment": "Published at ICLR 2022"},
    "2406.14568": {"doi": "10.1007/978-3-031-72120-5_20", "journal_ref": "MICCAI 2024, LNCS 15001"},
}
NEAR_MISSES = [  # title, abstract: None = generated
    "Vid2Robot: End-to-end Video-conditioned Policy Learning with Cross-Attention Transformers and Language Feedback",
    "Achieving Human Level Competitive Robot Badminton",
    "Mirror Descent Policy Optimization",  # same title, another paper
    "Mirror Descent Value Optimization",
    "Policy-Guided Diffusion Models for Offline Planning",
    "Data Scaling Laws in Imitation Learning for Legged Locomotion",
    "Policy Regularization with Dataset Constraint for Online Reinforcement Learning",
    "Streaming Diffusion Policy",
    "Easy-to-Hard Generalization in Reinforcement Learning",
    "CARP: Visuomotor Policy Learning via Coarse-to-Fine Diffusion Prediction",
    "GRAPE: Grounding Robot Policy via Preference Alignment",
    "Understanding the performance gap between online and offline reinforcement learning algorithms",
    "Policy-Gradient Training of Language Models for Retrieval",
    "SimQ-NAS: Simultaneous Quantization Policy and Neural Architecture Search for Edge Devices",
    "Train Once, Get a Family: State-Adaptive Balances for Offline Reinforcement Learning",
    "DynaMo: Out-of-Domain Dynamics Pretraining for Visuo-Motor Control",
    "Preference Fine-Tuning of LLMs Should Leverage Optimal, Off-Policy Data",
    # Varies the digest's title, which is an earlier title of 2406.14568. (It once was the digest's title
    # exactly: a trap no title-only match can get right, since arXiv only indexes current titles.)
    "Policy Gradient-Driven Attention Mask",
    "Robot Learning on the Job",
]
SPECIAL = [  # old-style ids and TeX titles
    ("hep-th/9901001", "hep-th", "Holography and the $AdS_5 \\times S^5$ Background Revisited"),
    ("math.GT/0309136", "math.GT", "Ricci Flow with Surgery on Three-Manifolds"),
    ("cond-mat/0102536", "cond-mat.stat-mech", "Scale-Free Networks and {Bose}-{Einstein} Condensation"),
    ("2301.07041", "cs.LG", "$\\alpha$-Policy: Risk-Sensitive Policy Optimization with $\\mathcal{L}_2$ Penalties"),
    ("2302.11111", "cs.CL", "{BERT} Meets \\emph{Policy Gradients}: Ranking with Language Models"),
]
FIRST = [
    "Wei",
    "Li",
    "Maria",
    "Anna",
    "Jian",
    "Pierre",
    "Sofia",
    "Ahmed",
    "Yuki",
    "Carlos",
    "Priya",
    "Lukas",
    "Chen",
    "Fatima",
    "Omar",
    "Elena",
    "Diego",
    "Hana",
]
LAST = [
    "Zhang",
    "Garcia",
    "Müller",
    "Sermanet",
    "Kim",
    "Nguyen",
    "Rossi",
    "Dubois",
    "Tanaka",
    "Silva",
    "Patel",
    "Schmidt",
    "Wang",
    "Novak",
    "Ivanova",
    "Okafor",
    "Larsen",
    "Costa",
    "Jain",
    "Levine",
    "Finn",
    "Abbeel",
    "Bisk",
    "Sutton",
]
ADJ = [
    "Scalable",
    "Robust",
    "Efficient",
    "Adaptive",
    "Hierarchical",
    "Offline",
    "Safe",
    "Sparse",
    "Contrastive",
    "Generalizable",
]
NOUN = [
    "Policy Optimization",
    "Diffusion Policies",
    "Reward Models",
    "World Models",
    "Preference Alignment",
    "Imitation Learning",
    "Value Estimation",
    "Trajectory Transformers",
    "Language Agents",
    "Visuomotor Control",
]
TASK = [
    "Robotic Manipulation",
    "Multi-turn Dialogue",
    "Legged Locomotion",
    "Code Generation",
    "Offline Reinforcement Learning",
    "Autonomous Driving",
    "Mathematical Reasoning",
    "Image Classification",
    "Recommendation",
]
SENT = [
    "We study {n} in the context of {t}.",
    "Existing methods for {t} suffer from distribution shift.",
    "We propose a {a} approach that combines {n} with uncertainty estimates.",
    "Experiments on standard benchmarks show consistent gains over strong baselines.",
    "Our analysis reveals when {n} helps and when it hurts.",
    "Code and models will be released.",
    "Theoretical results bound the regret of the proposed method.",
    "We evaluate on simulated and real-world tasks for {t}.",
]


def digest_blocks() -> list[tuple[str, str]]:
    lines = [x.strip() for x in DIGEST.read_text(encoding="utf-8").splitlines() if x.strip()]
    start = next(i for i, x in enumerate(lines) if x.startswith("Vid2Robot"))
    return [(lines[i], lines[i + 1]) for i in range(start, len(lines) - 1, 2)]


def authors(rng: random.Random, n: int | None = None) -> list:
    names = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(n or rng.randint(1, 6))]
    return [{"name": x, "affiliations": ["Stanford University"]} if rng.random() < 0.1 else x for x in names]


def versions(arxiv_id: str, count: int, rng: random.Random) -> list[dict]:
    number = arxiv_id.rsplit("/", 1)[-1]  # old-style ids carry YYMM after the slash
    yy, mm = int(number[:2]), int(number[2:4])
    year = 2000 + yy if yy < 90 else 1900 + yy
    out = []
    for v in range(1, count + 1):
        month = min(12, mm + v - 1)
        out.append(
            {
                "version": v,
                "date": f"{year}-{month:02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
                f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z",
            }
        )
    return out


def filler_abstract(rng: random.Random) -> str:
    fill = {"n": rng.choice(NOUN).lower(), "t": rng.choice(TASK).lower(), "a": rng.choice(ADJ).lower()}
    name = "".join(rng.choice("ABCDEFGHKLMNPRSTVXZ") for _ in range(rng.randint(3, 5)))
    own = (
        f"We call the method {name}{rng.choice(['', '-Net', '-RL', 'Former'])} and evaluate it on "
        f"{rng.randint(3, 40)} {rng.choice(['tasks', 'datasets', 'environments', 'benchmarks'])}, "
        f"improving {rng.choice(['success', 'accuracy', 'return', 'win rate'])} by {rng.randint(2, 60)}%."
    )
    sentences = rng.sample(SENT, rng.randint(4, 7))
    sentences.insert(rng.randint(1, len(sentences)), own)
    return " ".join(s.format(**fill) for s in sentences)


def build() -> dict:
    rng = random.Random(20260312)
    papers, truth = [], {}
    for (title, abstract), (pid, primary, cats, nver, latest) in zip(digest_blocks(), PAPERS, strict=True):
        paper = {
            "id": pid,
            "title": latest or title,
            "abstract": abstract,
            "authors": authors(rng),
            "categories": [primary, *cats],
            "versions": versions(pid, nver, rng),
            **EXTRAS.get(pid, {}),
        }
        if latest:
            paper["versions"][0]["title"] = title  # the digest shows this earlier version's title
        if pid == "2403.09472":
            paper["abstract"] = abstract.replace("Our approach suggests", "Overall, our approach points to")
        papers.append(paper)
        truth[title] = pid
    used = {p["id"] for p in papers}
    for title in NEAR_MISSES:
        papers.append(filler(rng, used, title))
    for pid, cat, title in SPECIAL:
        papers.append({**filler(rng, used, title), "id": pid, "categories": [cat], "versions": versions(pid, 1, rng)})
    for _ in range(320):
        title = f"{rng.choice(ADJ)} {rng.choice(NOUN)} for {rng.choice(TASK)}"
        if rng.random() < 0.3:
            title += f": {rng.choice(ADJ)} {rng.choice(NOUN)} at Scale"
        papers.append(filler(rng, used, title))
    return {"papers": papers, "truth": truth, "truth_86": list(map(list, add_digest_86(papers, truth, used)))}


def add_digest_86(papers: list[dict], truth: dict[str, str], used: set[str]) -> list[tuple[str, str]]:
    """The 56 papers and their near-misses; returns the 86-paper digest as (title, id) in digest order."""
    rng = random.Random(20261201)
    new = [pid for pid, *_ in digest_86.PAPERS]
    if used & set(new):
        raise SystemExit(f"digest_86 ids already in the corpus: {sorted(used & set(new))}")
    used.update(new)
    for pid, categories, title, abstract, near_misses in digest_86.PAPERS:
        old, revised = digest_86.REVISED_ABSTRACTS.get(pid, (None, None))
        papers.append(
            {
                "id": pid,
                "title": title,
                "abstract": abstract.replace(old, revised) if old and revised else abstract,
                "authors": authors(rng),
                "categories": categories,
                "versions": versions(pid, rng.randint(1, 3), rng),
            }
        )
        papers += [filler(rng, used, near) for near in near_misses]
    listed = [(title, pid) for pid, _, title, _, _ in digest_86.PAPERS]
    at = digest_86.FLEXIBERT_POSITION - len(truth) - 1
    flexibert = listed.pop()
    return [*truth.items(), *listed[:at], flexibert, *listed[at:]]


def filler(rng: random.Random, used: set[str], title: str) -> dict:
    while (pid := f"{rng.randint(20, 24)}{rng.randint(1, 12):02d}.{rng.randint(1, 19999):05d}") in used:
        pass
    used.add(pid)
    paper = {
        "id": pid,
        "title": title,
        "abstract": filler_abstract(rng),
        "authors": authors(rng),
        "categories": rng.sample(["cs.LG", "cs.RO", "cs.AI", "cs.CL", "cs.CV", "stat.ML"], rng.randint(1, 3)),
        "versions": versions(pid, rng.randint(1, 3), rng),
    }
    if rng.random() < 0.2:
        paper["comment"] = f"{rng.randint(8, 40)} pages, {rng.randint(2, 12)} figures"
    if rng.random() < 0.1:
        paper["journal_ref"], paper["doi"] = "Transactions on Machine Learning Research", f"10.5555/tmlr.{pid}"
    return paper


if __name__ == "__main__":
    out = HERE / "arxiv_corpus.json"
    corpus = build()
    out.write_text(json.dumps(corpus, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    for path in digests_build.write_all(corpus, DIGEST):
        print(f"wrote {path}")
