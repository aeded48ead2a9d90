"""Store first, answer second, on a full disk: a clip id is answered only after the COMMIT that stored it; a
failed commit fails exactly its requests, fast, with 503 + Retry-After; nothing answered is lost or renumbered.

The data directory is a tmpfs of a few megabytes that the test mounts (CI runs as root, as it installs system
packages); a missing mount permission is a failure of the test environment, not a skip."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from paperdrop.server.app import create_app
from paperdrop.server.runtime import Runtime
from paperdrop.server.store.models import Clip
from tests.conftest import TOKEN, make_settings

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def small_disk(tmp_path: Path):
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True)
    assert done.returncode == 0, f"cannot mount a small tmpfs for the disk-full test: {done.stderr.decode()}"
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _post(client, batch: int, size: int):
    papers = [{"title": f"Paper {batch}.{n}", "abstract": "x" * size} for n in range(20)]
    return client.post("/api/v1/clips", json={"papers": papers}, headers=AUTH), [p["title"] for p in papers]


def test_full_disk_answers_503_and_never_names_a_clip_it_did_not_store(small_disk, fake_arxiv):
    home = small_disk / "home"
    rt = Runtime(make_settings(home, arxiv_api_url=fake_arxiv.url))
    client = create_app(runtime=rt).test_client()
    filler = small_disk / "filler"
    with open(filler, "wb") as handle:  # take the room, leaving the store a little
        handle.write(b"\0" * (3 * 1024 * 1024))
    answered: dict[int, str] = {}
    refused = []
    for batch in range(30):
        response, titles = _post(client, batch, size=20_000)
        if response.status_code == 202:
            for clip, title in zip(response.get_json()["clips"], titles, strict=True):
                assert answered.setdefault(clip["id"], title) == title  # an id is never given to another paper
        else:
            refused.append(response)
    assert refused, "the disk never filled up: make the tmpfs smaller"
    for response in refused:
        assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
        assert response.get_json()["error"]["code"] == "store_unavailable"
        assert "full" in response.get_json()["error"]["message"]
    filler.unlink()  # the user frees space: saving works again, at once
    response, titles = _post(client, 99, size=100)
    assert response.status_code == 202
    for clip, title in zip(response.get_json()["clips"], titles, strict=True):
        assert answered.setdefault(clip["id"], title) == title
    with rt.db.reading() as session:
        stored = {c.id: c.title for c in session.query(Clip)}
    assert stored == answered  # every answered clip is stored, as answered; nothing else is
    rt.close()
