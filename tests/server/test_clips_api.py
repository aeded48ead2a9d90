"""POST /clips: stored in one transaction, answered in order, idempotent per paper and target, enqueued."""

from __future__ import annotations

import pytest

from paperdrop.server.store.models import Clip
from tests.conftest import TOKEN

pytestmark = pytest.mark.both_stores  # SQLite and PostgreSQL (tests/conftest.py)


def post(client, papers, target=None):
    body = {"papers": papers}
    if target:
        body["target"] = target
    return client.post("/api/v1/clips", json=body, headers={"Authorization": f"Bearer {TOKEN}"})


def test_post_clips_answers_202_in_order(client, rt):
    response = post(
        client,
        [
            {"arxiv_id": "2403.12943"},
            {"title": "Policy-Guided Diffusion"},
            {"url": "https://huggingface.co/papers/2408.03906"},
        ],
    )
    assert response.status_code == 202
    clips = response.get_json()["clips"]
    assert [c["status"] for c in clips] == ["received"] * 3
    assert [c["duplicate"] for c in clips] == [False] * 3
    with rt.db.session() as session:
        stored = {c.id: c for c in session.query(Clip)}
    assert stored[clips[0]["id"]].arxiv_id == "2403.12943"
    assert stored[clips[1]["id"]].title == "Policy-Guided Diffusion"
    assert stored[clips[2]["id"]].arxiv_id == "2408.03906"  # id taken from the Hugging Face URL


def test_post_clips_repost_returns_existing_clip(client, rt):
    first = post(client, [{"arxiv_id": "2403.12943v2", "title": "Vid2Robot"}]).get_json()["clips"][0]
    again = post(client, [{"arxiv_id": "2403.12943"}]).get_json()["clips"][0]
    assert again["id"] == first["id"] and again["duplicate"] is True
    with rt.db.session() as session:
        assert session.query(Clip).count() == 1


def test_post_clips_same_normalized_title_is_same_paper(client):
    first = post(client, [{"title": "Policy-Guided  Diffusion"}]).get_json()["clips"][0]
    again = post(client, [{"title": "policy guided diffusion."}]).get_json()["clips"][0]
    assert again["id"] == first["id"]


def test_post_clips_duplicates_within_one_post_share_a_clip(client):
    clips = post(client, [{"arxiv_id": "2403.12943"}, {"arxiv_id": "2403.12943v1"}]).get_json()["clips"]
    assert clips[0]["id"] == clips[1]["id"]
    assert [c["duplicate"] for c in clips] == [False, True]


def test_post_clips_other_target_is_a_new_clip(client, home):
    first = post(client, [{"arxiv_id": "2403.12943"}]).get_json()["clips"][0]
    other = post(client, [{"arxiv_id": "2403.12943"}], target=f"bibtex:{home / 'x.bib'}").get_json()["clips"][0]
    assert other["id"] != first["id"] and other["duplicate"] is False


def test_post_clips_enqueues_after_commit(client, rt):
    before = rt.queue.pending()
    post(client, [{"arxiv_id": "2403.12943"}])
    post(client, [{"arxiv_id": "2408.03906"}])
    rt.queue.flush()  # the web path defers enqueueing to a background thread that coalesces bursts
    assert rt.queue.pending() == before + 1  # one resolve task carrying both ids


def test_post_clips_accepts_extension_origins(client):
    for origin in ("chrome-extension://abcdefghijklmnop", "moz-extension://1234-5678"):
        response = client.post(
            "/api/v1/clips",
            json={"papers": [{"arxiv_id": "2403.12943"}]},
            headers={"Authorization": f"Bearer {TOKEN}", "Origin": origin},
        )
        assert response.status_code == 202


def test_get_clips_by_ids_returns_each(client, auth):
    ids = [c["id"] for c in post(client, [{"arxiv_id": "2403.12943"}, {"title": "X"}]).get_json()["clips"]]
    response = client.get(f"/api/v1/clips?ids={ids[0]},{ids[1]}", headers=auth)
    assert [c["id"] for c in response.get_json()["clips"]] == ids
    single = client.get(f"/api/v1/clips/{ids[0]}", headers=auth).get_json()
    assert single["arxiv_id"] == "2403.12943" and single["deliveries"] == [] and single["paper"] is None


def test_openapi_describes_every_route(app, client, auth):
    doc = client.get("/api/v1/openapi.json", headers=auth).get_json()
    assert doc["servers"] == [{"url": "/api/v1"}]  # paths are relative to it: a client joins them once
    documented = {("/api/v1" + path, method) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = rule.rule.replace("<id:", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)
    schema = doc["components"]["schemas"]["ClipsIn"]
    assert schema["additionalProperties"] is False
    assert (
        doc["paths"]["/clips"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        == "#/components/schemas/ClipsIn"
    )


def test_health_reports_version_and_queue(client):
    body = client.get("/api/v1/health").get_json()
    assert body["status"] == "ok" and body["app"] == "paperdrop" and body["version"]
    assert "pending" in body["queue"]


def test_every_answer_matches_the_response_model_the_openapi_document_declares(client, auth, rt):
    """The response shapes are declared once (server.api.schemas); the answers are checked against them."""
    from paperdrop.server.api import schemas
    from paperdrop.server.jobs.deliver import deliver_target
    from paperdrop.server.jobs.resolve import resolve_clips

    [clip] = post(client, [{"arxiv_id": "2403.12943"}]).get_json()["clips"]
    resolve_clips(rt, [clip["id"]])
    deliver_target(rt, str(rt.settings.resolve_target(None)))
    answers = {
        schemas.ClipOut: client.get(f"/api/v1/clips/{clip['id']}", headers=auth),
        schemas.ClipList: client.get(f"/api/v1/clips?ids={clip['id']}", headers=auth),
        schemas.PaperPage: client.get("/api/v1/papers", headers=auth),
        schemas.PaperDetail: client.get("/api/v1/papers/1", headers=auth),
        schemas.TargetList: client.get("/api/v1/targets", headers=auth),
        schemas.Health: client.get("/api/v1/health"),
    }
    for model, response in answers.items():
        assert response.status_code == 200, (model, response.get_data(as_text=True))
        parsed = model.model_validate(response.get_json())
        assert parsed.model_dump(mode="json", by_alias=True).keys() == response.get_json().keys()
    assert answers[schemas.PaperDetail].get_json()["deliveries"][0]["state"] == "delivered"


def test_post_clips_normalizes_odd_ids_and_rejects_only_the_unusable_paper(client, rt):
    papers = [{"arxiv_id": f"2403.{12900 + i}"} for i in range(28)]
    papers += [{"arxiv_id": "CS/0501076v2"}, {"arxiv_id": "arXiv:2403.1294"}]  # from a generic finder

    response = post(client, papers)

    assert response.status_code == 202
    answers = response.get_json()["clips"]
    assert [a["outcome"]["kind"] for a in answers] == ["saving"] * 29 + ["rejected"]
    assert "'arXiv:2403.1294' is not an arXiv id" in answers[-1]["outcome"]["message"]
    with rt.db.session() as session:
        odd = session.get(Clip, answers[28]["id"])
        assert (odd.arxiv_id, odd.arxiv_version) == ("cs/0501076", 2)


def test_library_says_which_papers_are_saved_and_where_in_one_request(client, auth, rt, home):
    from paperdrop.server.jobs.deliver import deliver_target
    from paperdrop.server.jobs.resolve import resolve_clips

    [clip] = post(client, [{"arxiv_id": "2403.12943"}]).get_json()["clips"]
    resolve_clips(rt, [clip["id"]])
    deliver_target(rt, str(rt.settings.resolve_target(None)))
    [other] = post(client, [{"arxiv_id": "2403.12943"}], target=f"bibtex:{home / 'thesis.bib'}").get_json()["clips"]
    resolve_clips(rt, [other["id"]])  # resolved, its delivery to thesis.bib not written yet
    asked = "2408.03906,2403.12943v2,not-an-id,arXiv:2403.12943"
    answer = client.get(f"/api/v1/library?arxiv_ids={asked}", headers=auth)
    assert answer.status_code == 200
    [paper] = answer.get_json()["papers"]  # unknown and malformed ids are simply absent; duplicates once
    assert paper["arxiv_id"] == "2403.12943"
    assert [c["label"] for c in paper["saved"]] == ["papers.bib"]
    assert [c["label"] for c in paper["saving"]] == ["thesis.bib"]
    assert paper["links"]["paper"] == f"http://127.0.0.1:7077/papers/{paper['paper_id']}"  # as the caller addressed us


def resolve(client, clip_id, arxiv_id):
    return client.post(
        f"/api/v1/clips/{clip_id}/resolve", json={"arxiv_id": arxiv_id}, headers={"Authorization": f"Bearer {TOKEN}"}
    )


def test_resolve_checks_the_chosen_id_on_arxiv_first(client, rt):
    clip_id = post(client, [{"title": "A Theory of Teacup Gravity"}]).get_json()["clips"][0]["id"]

    unknown = resolve(client, clip_id, "2401.99999")
    chosen = resolve(client, clip_id, "2408.03906")

    assert unknown.status_code == 422
    error = unknown.get_json()["error"]
    assert error["code"] == "unknown_paper" and error["message"] == "arXiv has no paper 2401.99999."
    assert "typo" in error["details"][0]
    assert chosen.status_code == 202 and chosen.get_json()["arxiv_id"] == "2408.03906"
    with rt.db.session() as session:
        assert session.get(Clip, clip_id).arxiv_id == "2408.03906"


def test_resolve_with_arxiv_unreachable_is_503_and_changes_nothing(home, auth):
    from paperdrop.server.app import create_app
    from paperdrop.server.runtime import Runtime
    from tests.conftest import make_settings

    runtime = Runtime(make_settings(home))  # arXiv at 127.0.0.1:9: nothing answers
    try:
        client = create_app(runtime=runtime).test_client()
        clip_id = post(client, [{"title": "A Theory of Teacup Gravity"}]).get_json()["clips"][0]["id"]

        response = resolve(client, clip_id, "2408.03906")

        assert response.status_code == 503 and response.headers["Retry-After"] == "30"
        assert response.get_json()["error"]["code"] == "arxiv_unavailable"
        with runtime.db.session() as session:
            assert session.get(Clip, clip_id).arxiv_id is None
    finally:
        runtime.close()
