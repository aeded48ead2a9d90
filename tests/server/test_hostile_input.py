"""Careless and hostile callers: every mistake is a 4xx in the one error shape, never a 5xx, and a bad paper
never takes the good ones of its request down with it."""

from __future__ import annotations

import json

import pytest

from paperdrop.server.store.models import Clip
from tests.conftest import TOKEN

pytestmark = pytest.mark.both_stores  # SQLite and PostgreSQL (tests/conftest.py)

AUTH = {"Authorization": f"Bearer {TOKEN}"}
TOO_BIG = str(2**63)


def raw_post(client, data: str, path: str = "/api/v1/clips"):
    return client.post(path, data=data, headers=AUTH, content_type="application/json")


@pytest.mark.parametrize(
    "path,status",
    [
        (f"/api/v1/clips/{TOO_BIG}", 404),
        (f"/api/v1/papers/{TOO_BIG}", 404),
        ("/api/v1/papers/99999999999999999999999999", 404),
        ("/api/v1/clips/0", 404),
        (f"/api/v1/clips?ids={TOO_BIG}", 200),  # no clip can have it: absent, like any unknown id
        ("/api/v1/clips?ids=" + ",".join(["1"] * 501), 422),
        ("/api/v1/clips?ids=%D9%A2", 422),  # an Arabic-Indic digit is not a digit here
        (f"/api/v1/papers?page={TOO_BIG}", 422),
        ("/api/v1/papers?page=%D9%A2", 422),
        ("/api/v1/papers?per_page=-1", 422),
        ("/api/v1/papers?q=" + "x" * 100_000, 422),
        ("/api/v1/papers?q=" + "%25_" * 100, 200),  # LIKE wildcards are text, not a pattern
    ],
)
def test_hostile_query_is_a_4xx_not_a_server_error(client, path, status):
    response = client.get(path, headers=AUTH)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if status >= 400:
        assert set(response.get_json()) == {"error"}


@pytest.mark.parametrize(
    "body,needle",
    [
        ('{"papers": ' + "[" * 2000 + "]" * 2000 + "}", "nested"),
        ('{"papers": [{"arxiv_id": "2403.12943", "extra": {"n": ' + "9" * 5000 + "}}]}", "digits"),
        ('{"papers": [{"arxiv_id": "2403.12943", "extra": {"n": NaN}}]}', "NaN"),
        ('{"papers": [{"arxiv_id": "2403.12943", "extra": {"n": -Infinity}}]}', "Infinity"),
        ('{"papers": [{"arxiv_id": "2403.12943"}], "target": ' + "1" * 400 + "}", "digits"),
    ],
)
def test_hostile_json_is_refused_with_400(client, rt, body, needle):
    response = raw_post(client, body)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] == "malformed_json" and needle in error["message"]
    with rt.db.reading() as session:
        assert session.query(Clip).count() == 0


@pytest.mark.parametrize("bad", ["A title with a NUL\x00 inside", "Bell\x07", "escape \x1b[31mred"])
def test_control_characters_are_refused_per_paper_and_the_good_papers_saved(client, rt, bad):
    response = client.post("/api/v1/clips", json={"papers": [{"title": bad}, {"arxiv_id": "2403.12943"}]}, headers=AUTH)
    assert response.status_code == 202
    rejected, saved = response.get_json()["clips"]
    assert rejected["outcome"]["kind"] == "rejected" and "control character" in rejected["outcome"]["message"]
    assert saved["outcome"]["kind"] == "saving"
    with rt.db.reading() as session:
        assert [c.arxiv_id for c in session.query(Clip)] == ["2403.12943"]


def test_control_characters_hidden_in_extra_are_refused_too(client):
    paper = {"arxiv_id": "2403.12943", "extra": {"github": "https://github.com/x\x00"}}
    response = client.post("/api/v1/clips", json={"papers": [paper]}, headers=AUTH)
    assert response.status_code == 422 and "'github'" in json.dumps(response.get_json())


@pytest.mark.parametrize(
    "path",
    ["/api/v1/papers?q=a%00b", "/api/v1/papers?q=%00", "/api/v1/papers?target=a%00b", "/api/v1/export.bib?target=%00"],
)
def test_a_nul_in_a_query_is_refused_with_422(client, path):
    # PostgreSQL cannot even compare text holding a NUL: refused as the caller's mistake on every store
    response = client.get(path, headers=AUTH)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "U+0000" in json.dumps(response.get_json())


def test_a_nul_in_the_target_refuses_the_request_and_stores_nothing(client, rt):
    response = client.post(
        "/api/v1/clips", json={"papers": [{"arxiv_id": "2403.12943"}], "target": "zotero:Reading\x00ML"}, headers=AUTH
    )
    assert response.status_code == 422 and "U+0000" in json.dumps(response.get_json())
    with rt.db.reading() as session:
        assert session.query(Clip).count() == 0


@pytest.mark.parametrize("field", ["title", "url", "abstract", "source_url", "source_site", "authors", "extra"])
def test_a_nul_in_any_field_of_a_paper_rejects_that_paper_and_saves_the_others(client, rt, field):
    value = {"authors": ["Ada\x00"], "extra": {"note": ["x\x00"]}}.get(field, "x\x00y")
    papers = [{"arxiv_id": "2403.12943"}, {"title": "A title", field: value}, {"arxiv_id": "2401.00001"}]
    response = client.post("/api/v1/clips", json={"papers": papers}, headers=AUTH)
    assert response.status_code == 202, response.get_data(as_text=True)[:300]
    kinds = [c["outcome"]["kind"] for c in response.get_json()["clips"]]
    assert kinds == ["saving", "rejected", "saving"]
    with rt.db.reading() as session:
        assert sorted(c.arxiv_id for c in session.query(Clip)) == ["2401.00001", "2403.12943"]


def test_the_dashboard_search_ignores_a_nul(client, rt):
    from tests.dashboard.conftest import sign_in

    sign_in(client)
    assert client.get("/?q=a%00b").status_code == 200


@pytest.mark.parametrize("path", ["/failed/99999999999999999999/retry", "/failed/9223372036854775808/choose"])
def test_dashboard_ids_beyond_any_row_are_404(client, path):
    from tests.dashboard.conftest import csrf_from, sign_in

    sign_in(client)
    token = csrf_from(client.get("/failed").get_data(as_text=True))
    assert client.post(path, data={"csrf_token": token, "arxiv_id": "2403.12943"}).status_code == 404


def test_method_not_allowed_says_which_methods_are(client):
    response = client.delete("/api/v1/clips", headers=AUTH)
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_sign_in_ignores_a_next_address_with_a_line_break(client):
    from tests.dashboard.conftest import sign_in

    response = client.get("/sign-in?next=/%0d%0aSet-Cookie:%20x=1")
    assert response.status_code == 200 and b"Set-Cookie: x=1" not in response.data
    signed = sign_in(client, next_path="/\r\nSet-Cookie: x=1")
    assert signed.status_code == 303 and signed.headers["Location"] == "/"
    assert "x=1" not in signed.headers.get("Set-Cookie", "")


@pytest.mark.parametrize(
    "target",
    [
        "bibtex:/etc/x.bib",
        "bibtex:../../../../../../etc/x.bib",
        "bibtex:/etc/cron.d/x",
        "bibtex:/tmp/notes.txt",
        "bibtex:~/.bashrc",
    ],
)
def test_api_callers_cannot_write_outside_the_users_places(client, rt, target):
    response = client.post(
        "/api/v1/clips", json={"papers": [{"arxiv_id": "2403.12943"}], "target": target}, headers=AUTH
    )
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["details"][0]["location"] == "target" and (".bib" in error["message"] or "outside" in error["message"])
    with rt.db.reading() as session:
        assert session.query(Clip).count() == 0


def test_api_may_write_in_the_allowed_folders_and_to_named_targets(client, rt, home, tmp_path):
    rt.settings.targets["thesis"] = f"bibtex:{tmp_path / 'elsewhere' / 'thesis.bib'}"  # the user's own choice
    for target in ("bibtex:refs.bib", f"bibtex:{home}/sub/refs.bib", "thesis", "zotero:Reading/ML"):
        response = client.post("/api/v1/clips", json={"papers": [{"title": target}], "target": target}, headers=AUTH)
        assert response.status_code == 202, (target, response.get_data(as_text=True))
    with rt.db.reading() as session:
        targets = {c.target for c in session.query(Clip)}
    assert f"bibtex:{home}/refs.bib" in targets  # a relative path starts in the data directory


def test_the_cli_may_name_any_bib_file_but_never_a_file_that_is_not_one(home, tmp_path, fake_arxiv, store_url):
    from click.testing import CliRunner

    from paperdrop.server.cli import main

    env = {"PAPERDROP_HOME": str(home), "PAPERDROP_ARXIV_API_URL": fake_arxiv.url, "PAPERDROP_TOKEN": TOKEN}
    env |= {"PAPERDROP_DATABASE_URL": store_url} if store_url else {}
    outside = tmp_path / "outside" / "refs.bib"
    stored = CliRunner().invoke(main, ["import", "2403.12943", "--to", f"bibtex:{outside}"], env=env)
    assert stored.exit_code == 0, stored.output
    refused = CliRunner().invoke(main, ["import", "2403.12943", "--to", f"bibtex:{tmp_path / 'notes.txt'}"], env=env)
    assert refused.exit_code == 2 and "not a .bib file" in refused.output
