"""Contract test: every caller mistake gets a 4xx with the one error shape, and nothing is stored."""

from __future__ import annotations

import json

import pytest

from paperdrop.server.store.models import Clip
from tests.conftest import TOKEN

GOOD = {"papers": [{"arxiv_id": "2403.12943"}]}


def _post(client, body=None, *, raw=None, headers=None, content_type="application/json", path="/api/v1/clips"):
    data = raw if raw is not None else json.dumps(body)
    base = {"Authorization": f"Bearer {TOKEN}"}
    base.update(headers or {})
    return client.post(path, data=data, headers=base, content_type=content_type)


CASES = [
    ("no token", dict(body=GOOD, headers={"Authorization": ""}), 401, "unauthorized"),
    ("wrong token", dict(body=GOOD, headers={"Authorization": "Bearer nope"}), 401, "unauthorized"),
    ("basic auth", dict(body=GOOD, headers={"Authorization": f"Basic {TOKEN}"}), 401, "unauthorized"),
    ("foreign host", dict(body=GOOD, headers={"Host": "evil.example:7077"}), 403, "forbidden_host"),
    ("web origin", dict(body=GOOD, headers={"Origin": "https://evil.example"}), 403, "forbidden_origin"),
    ("malformed json", dict(raw='{"papers": ['), 400, "malformed_json"),
    ("not json", dict(raw="papers=1", content_type="text/plain"), 415, "unsupported_media_type"),
    ("unknown top field", dict(body={"papers": [{"arxiv_id": "2403.12943"}], "x": 1}), 422, "invalid_request"),
    ("unknown paper field", dict(body={"papers": [{"arxiv_id": "2403.12943", "doi": "x"}]}), 422, "invalid_request"),
    ("wrong type", dict(body={"papers": [{"title": 5}]}), 422, "invalid_request"),
    ("papers not a list", dict(body={"papers": "2403.12943"}), 422, "invalid_request"),
    ("empty papers", dict(body={"papers": []}), 422, "invalid_request"),
    ("too many papers", dict(body={"papers": [{"arxiv_id": "2403.12943"}] * 501}), 422, "invalid_request"),
    ("no id nor title", dict(body={"papers": [{"abstract": "x"}]}), 422, "invalid_request"),
    ("malformed id", dict(body={"papers": [{"arxiv_id": "2403.1294x"}]}), 422, "invalid_request"),
    (
        "body over 1 MB",
        dict(body={"papers": [{"title": "t", "abstract": "a" * 40_000}] * 30}),
        413,
        "payload_too_large",
    ),
    (
        "unknown target",
        dict(body={"papers": [{"arxiv_id": "2403.12943"}], "target": "dropbox:x"}),
        422,
        "invalid_request",
    ),
]


@pytest.mark.parametrize("name,kwargs,status,code", CASES, ids=[c[0] for c in CASES])
def test_post_clips_rejects_bad_input_with_error_shape(client, rt, name, kwargs, status, code):
    response = _post(client, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], list)
    with rt.db.session() as session:
        assert session.query(Clip).count() == 0  # bad input loses nothing and stores nothing


def test_validation_errors_say_which_field(client):
    response = _post(client, {"papers": [{"arxiv_id": "banana"}]})
    details = response.get_json()["error"]["details"]
    assert any(d["location"] == "papers.0.arxiv_id" and "banana" in d["message"] for d in details)


def test_one_bad_paper_is_rejected_in_its_place_and_the_others_are_saved(client, rt):
    response = _post(client, {"papers": [{"arxiv_id": "2403.12943"}, {"arxiv_id": "banana"}, {"title": "A title"}]})
    assert response.status_code == 202
    answers = response.get_json()["clips"]
    assert [a["outcome"]["kind"] for a in answers] == ["saving", "rejected", "saving"]
    assert "banana" in answers[1]["outcome"]["message"] and answers[1]["outcome"]["fix"]
    assert set(answers[1]) == {"outcome"}
    with rt.db.session() as session:
        assert session.query(Clip).count() == 2


GET_CASES = [
    ("/api/v1/clips/999", 404, "not_found"),
    ("/api/v1/papers/999", 404, "not_found"),
    ("/api/v1/papers?state=lost", 422, "invalid_request"),
    ("/api/v1/papers?page=0", 422, "invalid_request"),
    ("/api/v1/papers?per_page=x", 422, "invalid_request"),
    ("/api/v1/clips?ids=1,a", 422, "invalid_request"),
    ("/api/v1/nothing-here", 404, "not_found"),
]


@pytest.mark.parametrize("path,status,code", GET_CASES)
def test_get_mistakes_use_error_shape(client, auth, path, status, code):
    response = client.get(path, headers=auth)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_wrong_method_uses_error_shape(client, auth):
    response = client.delete("/api/v1/clips", headers=auth)
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_resolve_rejects_malformed_id(client, auth):
    stored = _post(client, GOOD).get_json()["clips"][0]
    response = client.post(f"/api/v1/clips/{stored['id']}/resolve", json={"arxiv_id": "nope"}, headers=auth)
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["location"] == "arxiv_id"


def test_health_needs_no_token_but_everything_else_does(client):
    assert client.get("/api/v1/health").status_code == 200
    for path in ("/api/v1/papers", "/api/v1/targets", "/api/v1/openapi.json", "/api/v1/export.bib", "/api/v1/clips/1"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.get_json()["error"]["code"] == "unauthorized"
