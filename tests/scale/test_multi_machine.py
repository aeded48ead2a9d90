"""A group deployment on one test machine, as README "Deploying for a group" describes it: the web process under
gunicorn, three `paperdrop worker` processes that share nothing on disk (each its own PAPERDROP_HOME, as if on
three machines), one PostgreSQL and one Redis. 200 papers (140 by arXiv id, 60 by title only), each clipped
to a BibTeX file and to a Zotero collection, are posted while one worker is killed with SIGKILL and Redis is
restarted (its keys lost). At the end every accepted clip is delivered exactly once, and the fake arXiv saw at
most one request at a time, each at least PAPERDROP_ARXIV_DELAY after the previous one was answered.

The BibTeX file is the one thing on a disk: every worker sees it at the same path, and its lock is a file
beside it, so the lock holds across the workers (README: a BibTeX target must be reachable at one path by
every worker).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from paperdrop.sync.text import normalize_title
from tests.fakes.arxiv import FakeArxiv, load_corpus
from tests.fakes.zotero import FakeZotero
from tests.support.postgres import BIN as PG_BIN
from tests.support.redis import RedisServer
from tests.support.server import base_env, free_port, paperdrop_command, run_cli

DELAY = 0.2  # PAPERDROP_ARXIV_DELAY of the deployment
API_KEY = "lab-zotero-key-0123456789"
LIBRARY = 4242
COLLECTION = "Lab/Reading"
BY_ID, BY_TITLE = 140, 60
CHUNK = 10  # papers per POST
REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(280)


class Deployment:
    """The processes of the deployment, each logging into its own file under `root`."""

    def __init__(self, root: Path, env: dict[str, str]):
        self.root, self.env = root, env
        self.processes: dict[str, subprocess.Popen] = {}
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, name: str, argv: list[str]) -> None:
        home = self.root / name  # a machine of its own: nothing else uses this directory
        home.mkdir(parents=True)
        with open(self.root / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen(
                argv, env=base_env(home, self.env), stdout=log, stderr=subprocess.STDOUT, cwd=str(REPO)
            )

    def start_web(self) -> None:
        gunicorn = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", "2"]
        self.start("web", [*gunicorn, "--threads", "4", "paperdrop.server.wsgi:app"])
        deadline = time.monotonic() + 60
        while True:
            assert self.processes["web"].poll() is None, self.logs()
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, self.logs()
            time.sleep(0.1)

    def kill_mid_job(self, name: str, timeout: float = 60.0) -> str:
        """SIGKILL worker `name` while a job of it has been running for a moment; returns that job's name."""
        log = self.root / f"{name}.log"
        seen: set[str] = set()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = log.read_text(errors="replace")
            running = {
                job: task
                for task, job in re.findall(r"Executing ([\w.]+): ([0-9a-f-]{36})", text)
                if f"{job} executed in" not in text and f"{job} @" not in text
            }
            caught = [job for job in running if job in seen]
            if caught:
                self.processes[name].send_signal(signal.SIGKILL)
                self.processes[name].wait(10)
                return running[caught[0]]
            seen = set(running)
            time.sleep(0.02)
        raise AssertionError(f"{name} never ran a job:\n{self.logs()}")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in sorted(self.root.glob("*.log"))
        )


def test_three_machines_one_arxiv_pace_exactly_once_through_a_kill_and_a_redis_restart(tmp_path, postgres):
    corpus = load_corpus()
    modern = [p for p in corpus if re.fullmatch(r"\d{4}\.\d{4,5}", p["id"])]
    by_id = modern[:BY_ID]
    by_title = [p for p in modern[BY_ID:] if _title_is_unique(p, corpus)][:BY_TITLE]
    assert len(by_title) == BY_TITLE
    papers = [{"arxiv_id": p["id"]} for p in by_id] + [
        {"title": p["title"], "authors": [a if isinstance(a, str) else a["name"] for a in p["authors"]]}
        for p in by_title
    ]
    expected = sorted(p["id"] for p in by_id + by_title)
    shared_disk = tmp_path / "shared-disk"  # the BibTeX file's disk
    shared_disk.mkdir()
    bib = shared_disk / "lab.bib"

    with (
        FakeArxiv(corpus=corpus, min_interval=DELAY, latency=0.1) as arxiv,
        FakeZotero() as zotero,
        RedisServer(tmp_path / "redis") as redis_server,
    ):
        zotero.add_key(API_KEY, user_id=LIBRARY, write=True)
        store = postgres.create_database(migrated=False)  # empty: `paperdrop migrate` makes the schema
        env = {
            "PAPERDROP_DATABASE_URL": store,
            "PAPERDROP_REDIS_URL": redis_server.url,
            "PAPERDROP_ARXIV_API_URL": arxiv.url,
            "PAPERDROP_ARXIV_DELAY": str(DELAY),
            "PAPERDROP_ARXIV_TIMEOUT": "5",
            "PAPERDROP_ZOTERO_API_URL": zotero.url,
            "PAPERDROP_ZOTERO_API_KEY": API_KEY,
            "PAPERDROP_ZOTERO_LIBRARY_ID": str(LIBRARY),
            "PAPERDROP_ZOTERO_PDF": "none",
            "PAPERDROP_DEFAULT_TARGET": f"bibtex:{bib}",
            "PAPERDROP_BIBTEX_DIRS": str(shared_disk),
            "PAPERDROP_SWEEP_INTERVAL": "0.5",
            "PAPERDROP_WORKERS": "2",
        }
        migrated = run_cli(tmp_path / "admin", "migrate", env=env)
        assert migrated.returncode == 0 and b"is at migration" in migrated.stdout, migrated.stderr
        deployment = Deployment(tmp_path / "machines", env)
        try:
            deployment.start_web()
            for n in range(3):
                deployment.start(f"worker{n}", paperdrop_command("worker"))
            accepted = _post_while_failing(deployment, papers, redis_server)
            _wait_until_delivered(deployment, accepted)
        finally:
            deployment.stop()
        log = deployment.logs()

        assert len(accepted) == 2 * len(papers), log
        # BibTeX: one entry per paper, none twice
        text = bib.read_text(encoding="utf-8")
        eprints = re.findall(r"eprint\s*=\s*\{([^}]*)\}", text)
        assert sorted(eprints) == expected
        assert len(re.findall(r"^@\w+\{", text, flags=re.M)) == len(expected)
        # Zotero: one item per paper in the collection, no other items, one collection per path part
        items = zotero.items_in_collection(COLLECTION, zotero.library("user", LIBRARY))
        assert sorted(i["archiveID"].removeprefix("arXiv:") for i in items) == expected
        assert len(zotero.items(zotero.library("user", LIBRARY))) == len(expected)
        assert len(zotero.library("user", LIBRARY).collections) == 2
        # arXiv: never two requests at once, never sooner than DELAY after the previous answer
        shortest, overlap = arxiv.pace()
        assert not overlap
        assert shortest is not None and shortest >= DELAY, shortest
        assert all(r.status != 429 for r in arxiv.requests)
        print(f"arXiv: {len(arxiv.requests)} requests, shortest gap {shortest:.3f} s (delay {DELAY} s)")

        # Backups: the store is everything there is to back up besides the .bib files; pg_dump and pg_restore
        # into an empty database give a store with every delivery (README "Deploying for a group").
        restored = _dump_and_restore(postgres, store, tmp_path / "lab.dump")
        before = json.loads(run_cli(tmp_path / "admin", "status", "--json", env=env).stdout)
        after = json.loads(
            run_cli(tmp_path / "admin", "status", "--json", env={**env, "PAPERDROP_DATABASE_URL": restored}).stdout
        )
        assert before["deliveries"] == after["deliveries"], (before, after)
        assert after["deliveries"]["delivered"] == sum(after["deliveries"].values()) == 2 * len(papers)


def _dump_and_restore(postgres, url: str, dump: Path) -> str:
    """`pg_dump --format=custom` of the store, restored with `pg_restore` into a new empty database."""
    libpq = url.replace("postgresql+psycopg://", "postgresql://")
    subprocess.run([str(PG_BIN / "pg_dump"), "--format=custom", "--file", str(dump), libpq], check=True)
    restored = postgres.create_database(migrated=False)
    target = restored.replace("postgresql+psycopg://", "postgresql://")
    subprocess.run([str(PG_BIN / "pg_restore"), "--no-owner", "--dbname", target, str(dump)], check=True)
    return restored


def _title_is_unique(paper: dict, corpus: list[dict]) -> bool:
    """No other paper of the corpus has this title or one containing it: found by its title alone, a person
    never has to choose (the corpus has such twins on purpose; they end in review, tested elsewhere)."""
    title = normalize_title(paper["title"])
    return not any(q is not paper and title in normalize_title(q["title"]) for q in corpus)


def _post_while_failing(deployment: Deployment, papers: list[dict], redis_server: RedisServer) -> dict[int, str]:
    """Post the papers in chunks, each to both targets; a third of the way one worker is killed, two thirds of
    the way Redis restarts (down for a second). Returns accepted clip id -> target."""
    headers = {"Authorization": f"Bearer {base_env(Path('.'))['PAPERDROP_TOKEN']}"}
    chunks = [papers[i : i + CHUNK] for i in range(0, len(papers), CHUNK)]
    accepted: dict[int, str] = {}
    restart: threading.Thread | None = None
    for n, chunk in enumerate(chunks):
        if n == len(chunks) // 3:
            killed = deployment.kill_mid_job("worker0")
            print(f"worker0 killed while running {killed}")
        if n == 2 * len(chunks) // 3:
            restart = threading.Thread(target=redis_server.restart, kwargs={"down_for": 1.0})
            restart.start()
        for target in (None, f"zotero:{COLLECTION}"):
            body = {"papers": chunk, **({"target": target} if target else {})}
            answer = _post(deployment, headers, body)
            for clip in answer["clips"]:
                assert "id" in clip, clip
                accepted[clip["id"]] = target or "bibtex"
        time.sleep(0.2)
    assert restart is not None
    restart.join()
    return accepted


def _post(deployment: Deployment, headers: dict[str, str], body: dict) -> dict:
    """One save; a 503 (the store or queue briefly unavailable) is sent again after its Retry-After, as the
    extension does."""
    for _ in range(20):
        answer = requests.post(f"{deployment.url}/api/v1/clips", headers=headers, json=body, timeout=30)
        if answer.status_code != 503:
            assert answer.status_code == 202, answer.text
            return answer.json()
        time.sleep(float(answer.headers.get("Retry-After", "1")))
    raise AssertionError(f"the server kept answering 503:\n{deployment.logs()}")


def _wait_until_delivered(deployment: Deployment, accepted: dict[int, str], timeout: float = 150.0) -> None:
    headers = {"Authorization": f"Bearer {base_env(Path('.'))['PAPERDROP_TOKEN']}"}
    ids = sorted(accepted)
    deadline = time.monotonic() + timeout
    while True:
        clips = []
        for start in range(0, len(ids), 200):
            part = ",".join(map(str, ids[start : start + 200]))
            answer = requests.get(f"{deployment.url}/api/v1/clips", params={"ids": part}, headers=headers, timeout=30)
            assert answer.status_code == 200, answer.text
            clips.extend(answer.json()["clips"])
        states = [(c["status"], [d["state"] for d in c["deliveries"]]) for c in clips]
        if len(clips) == len(ids) and all(d == ["delivered"] for _, d in states):
            return
        if time.monotonic() > deadline:
            stuck = [
                (c["id"], c["status"], c["deliveries"])
                for c in clips
                if [d["state"] for d in c["deliveries"]] != ["delivered"]
            ]
            raise AssertionError(f"{len(stuck)} clips not delivered, e.g. {stuck[:3]}\n{deployment.logs()}")
        time.sleep(0.5)
