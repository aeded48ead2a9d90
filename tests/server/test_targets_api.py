"""GET /targets names each target for a person; POST /targets/check says whether a typed target may be used."""

from __future__ import annotations

import pytest

from tests.conftest import HOST, TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}", "Host": HOST}


def check(client, target: str) -> dict:
    response = client.post("/api/v1/targets/check", json={"target": target}, headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_targets_carry_a_label_and_the_location(client, home):
    answer = client.get("/api/v1/targets", headers=AUTH).get_json()
    (default,) = [t for t in answer["targets"] if t["default"]]
    assert default["label"] == "papers.bib"
    assert default["location"] == f"{home}/papers.bib"


def test_check_accepts_a_zotero_collection_and_a_bib_file_in_the_data_directory(client, home):
    answer = check(client, "bibtex:refs.bib")
    assert answer["ok"] and answer["spec"] == f"bibtex:{home}/refs.bib" and answer["label"] == "refs.bib"
    assert answer["reachable"] is True and answer["message"] == "refs.bib can be written."
    zotero = check(client, "zotero:Reading/ML")
    assert zotero["ok"] and zotero["label"] == "Zotero: Reading/ML"


def test_check_resolves_a_named_target(client, rt, tmp_path):
    rt.settings.targets["thesis"] = f"bibtex:{tmp_path / 'thesis.bib'}"
    answer = check(client, "thesis")
    assert answer["ok"] and answer["spec"] == f"bibtex:{tmp_path / 'thesis.bib'}"


def test_check_says_a_bare_word_is_not_a_target_name_and_how_to_write_one(client, rt, tmp_path):
    rt.settings.targets["thesis"] = f"bibtex:{tmp_path / 'thesis.bib'}"
    answer = check(client, "Reading")
    assert not answer["ok"] and answer["spec"] is None
    assert answer["message"] == "“Reading” is not a target name in paperdrop.toml."
    assert "thesis" in answer["fix"] and "zotero:Reading" in answer["fix"]


@pytest.mark.parametrize(
    ("target", "words"),
    [("bibtex:/etc/cron.d/x", "not a .bib file"), ("bibtex:/tmp/elsewhere.bib", "outside"), ("dropbox:x", "Unknown")],
)
def test_check_refuses_what_a_clip_could_not_name_with_the_same_words(client, target, words):
    answer = check(client, target)
    assert not answer["ok"] and words in answer["message"] and answer["fix"]
    clip = client.post("/api/v1/clips", json={"papers": [{"arxiv_id": "2403.12943"}], "target": target}, headers=AUTH)
    assert clip.status_code == 422 and answer["message"] in clip.get_json()["error"]["message"]


def test_check_needs_the_token_and_a_target(client):
    assert client.post("/api/v1/targets/check", json={"target": "x"}, headers={"Host": HOST}).status_code == 401
    assert client.post("/api/v1/targets/check", json={}, headers=AUTH).status_code == 422


def test_targets_list_the_collections_of_the_zotero_library(home, fake_arxiv):
    from paperdrop.server.app import create_app
    from tests.conftest import make_settings
    from tests.fakes.zotero import FakeZotero

    with FakeZotero() as zotero:
        zotero.add_key("GOODKEY", user_id=123, write=True)
        reading = zotero.add_collection("Reading")
        zotero.add_collection("Robotics", parent=reading)
        zotero.add_collection("Thesis")
        settings = make_settings(
            home,
            default_target="zotero:Reading",
            zotero_api_url=zotero.url,
            zotero_library_id="123",
            zotero_api_key="GOODKEY",
        )
        client = create_app(settings).test_client()
        answer = client.get("/api/v1/targets", headers=AUTH).get_json()
    assert answer["collections"] == [
        {"spec": "zotero:Reading", "label": "Zotero: Reading", "location": "Reading"},
        {"spec": "zotero:Reading/Robotics", "label": "Zotero: Reading/Robotics", "location": "Reading/Robotics"},
        {"spec": "zotero:Thesis", "label": "Zotero: Thesis", "location": "Thesis"},
    ]


def test_targets_list_no_collections_without_a_reachable_zotero_target(client):
    assert client.get("/api/v1/targets", headers=AUTH).get_json()["collections"] == []
