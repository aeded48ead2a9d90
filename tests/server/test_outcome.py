"""Contract test of `outcome`: every kind, reached the way a user reaches it, answered by the API in the shape
the OpenAPI document declares and listed in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import TypeAdapter

from paperdrop.server.api.schemas import ClipOut, ClipsAccepted
from paperdrop.server.jobs.deliver import deliver_target
from paperdrop.server.jobs.resolve import resolve_clips
from paperdrop.server.services.outcome import OUTCOME_KINDS
from paperdrop.server.services.review import dismiss_clip
from tests.conftest import TOKEN

README = Path(__file__).resolve().parents[2] / "README.md"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def post(client, *papers, target=None):
    body = {"papers": list(papers), **({"target": target} if target else {})}
    response = client.post("/api/v1/clips", json=body, headers=AUTH)
    assert response.status_code == 202, response.get_data(as_text=True)
    return TypeAdapter(ClipsAccepted).validate_python(response.get_json()).model_dump()["clips"]


def get(client, clip_id):
    response = client.get(f"/api/v1/clips/{clip_id}", headers=AUTH)
    assert response.status_code == 200
    return ClipOut.model_validate(response.get_json()).model_dump()["outcome"]


def work(rt, clip_id):
    resolve_clips(rt, [clip_id])
    with rt.db.reading() as session:
        from paperdrop.server.jobs.sweep import due_targets

        targets = due_targets(session)
    for target in targets:
        deliver_target(rt, target)


def test_outcome_every_kind_as_the_api_answers_it(client, rt, fake_arxiv, home):
    seen: dict[str, dict] = {}

    # saving: just stored
    [fresh] = post(client, {"arxiv_id": "2403.12943"})
    seen["saving"] = fresh["outcome"]
    # saved: resolved and written
    work(rt, fresh["id"])
    seen["saved"] = get(client, fresh["id"])
    # already_there: the same paper saved again (checked at the target first)
    [again] = post(client, {"arxiv_id": "2403.12943v2"})
    assert again["outcome"]["message"] == "Checking that it is still in papers.bib…"
    work(rt, again["id"])
    seen["already_there"] = get(client, again["id"])
    # rejected: a paper that names nothing, in a batch with a good one
    good, bad = post(client, {"arxiv_id": "2408.03906"}, {"abstract": "no id, no title"})
    seen["rejected"] = bad["outcome"]
    # retrying: arXiv keeps failing, the next try is scheduled
    fake_arxiv.inject(*["503"] * 5)  # the short retries of one request (4 + 1) all fail
    resolve_clips(rt, [good["id"]])
    seen["retrying"] = get(client, good["id"])
    # failed: arXiv has no such paper
    [unknown] = post(client, {"arxiv_id": "2401.99999"})
    work(rt, unknown["id"])
    seen["failed"] = get(client, unknown["id"])
    # needs_review, then dismissed: a title arXiv has nothing close to
    [title] = post(client, {"title": "A Theory of Teacup Gravity in Seven Dimensions"})
    work(rt, title["id"])
    seen["needs_review"] = get(client, title["id"])
    dismiss_clip(rt, title["id"])
    seen["dismissed"] = get(client, title["id"])
    # needs_setup: the BibTeX file's directory does not exist
    target = f"bibtex:{home / 'missing-dir' / 'refs.bib'}"
    [setup] = post(client, {"arxiv_id": "2403.12943"}, target=target)
    work(rt, setup["id"])
    seen["needs_setup"] = get(client, setup["id"])

    assert set(seen) == set(OUTCOME_KINDS)
    for kind, outcome in seen.items():
        assert outcome["kind"] == kind and outcome["message"], (kind, outcome)
    assert seen["saved"]["message"] == "Saved to papers.bib" and seen["saved"]["links"]["paper"].endswith("/papers/1")
    assert seen["already_there"]["message"] == "Already in papers.bib"
    assert "503" in seen["retrying"]["message"] and "tries again" in seen["retrying"]["message"]
    assert seen["failed"]["message"] == "arXiv has no paper 2401.99999." and seen["failed"]["fix"]
    assert seen["failed"]["links"] == {"failed": f"http://localhost/failed#clip-{unknown['id']}"}
    assert seen["needs_review"]["links"]["review"] == f"http://localhost/review#clip-{title['id']}"
    assert "missing-dir" in seen["needs_setup"]["message"] and "mkdir" in seen["needs_setup"]["fix"]
    assert seen["needs_setup"]["links"]["setup"].startswith("http://localhost/targets#target-")
    assert seen["rejected"]["fix"] and "Paper 2" in seen["rejected"]["message"]


@pytest.mark.parametrize("kind", OUTCOME_KINDS)
def test_outcome_kind_is_documented_in_the_readme(kind):
    assert f"`{kind}`" in README.read_text(encoding="utf-8")


def test_outcome_kinds_are_declared_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json", headers=AUTH).get_json()
    assert doc["components"]["schemas"]["OutcomeOut"]["properties"]["kind"]["enum"] == list(OUTCOME_KINDS)
