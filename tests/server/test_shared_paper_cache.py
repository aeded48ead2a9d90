"""The paper cache of a deployment is the store's papers table: a paper one worker fetched from arXiv is not
fetched again by a worker on another machine (its own data directory, the same store)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from paperdrop.server.jobs.resolve import resolve_clips
from paperdrop.server.runtime import Runtime
from paperdrop.server.services.save import save_clips
from paperdrop.server.store.models import Clip
from paperdrop.sync.records import ClipInput
from tests.conftest import make_settings


@pytest.mark.both_stores
def test_a_paper_fetched_by_one_machine_is_not_fetched_again_by_another(tmp_path, fake_arxiv, store_url):
    store = store_url or f"sqlite:///{tmp_path / 'shared.db'}"
    machines = [
        Runtime(make_settings(tmp_path / name, arxiv_api_url=fake_arxiv.url, database_url=store))
        for name in ("machine1", "machine2")
    ]
    try:
        first, second = machines
        [one] = save_clips(first, [ClipInput(arxiv_id="2403.12943")], None).clip_ids
        assert resolve_clips(first, [one]).resolved == 1
        asked = len(fake_arxiv.requests)
        assert asked == 1

        [two] = save_clips(
            second, [ClipInput(arxiv_id="2403.12943v1")], f"bibtex:{tmp_path / 'machine2' / 'other.bib'}"
        ).clip_ids
        assert resolve_clips(second, [two]).resolved == 1
        assert len(fake_arxiv.requests) == asked  # the store answered
        with second.db.reading() as session:
            clips = session.scalars(select(Clip).where(Clip.id.in_([one, two]))).all()
            assert {c.paper_id for c in clips} != {None} and len({c.paper_id for c in clips}) == 1
    finally:
        for machine in machines:
            machine.close()
