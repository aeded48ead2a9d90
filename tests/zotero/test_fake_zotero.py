"""The fake Zotero Web API enforces the protocol rules the sink relies on (docs/reference.md)."""

from __future__ import annotations

import httpx2
import pytest

from .conftest import API_KEY


@pytest.fixture
def api(fake):
    with httpx2.Client(base_url=fake.url, headers={"Zotero-API-Key": API_KEY}) as client:
        yield client


def _item(**fields):
    return {"itemType": "preprint", "title": "T", **fields}


def test_fake_zotero_rejects_more_than_50_objects(api):
    assert api.post("/users/123/items", json=[_item()] * 51).status_code == 413


def test_fake_zotero_needs_a_key_in_either_header(fake):
    assert httpx2.get(f"{fake.url}/users/123/items").status_code == 403
    bearer = httpx2.get(f"{fake.url}/users/123/items", headers={"Authorization": f"Bearer {API_KEY}"})
    assert bearer.status_code == 200 and bearer.headers["Last-Modified-Version"] == "0"


def test_fake_zotero_answers_per_object_and_keeps_keyed_writes_idempotent(api):
    answer = api.post(
        "/users/123/items", json=[_item(key="AAAAAAAA", version=0), _item(volume="3"), _item(collections=["BBBBBBBB"])]
    ).json()
    assert answer["success"] == {"0": "AAAAAAAA"}
    assert answer["failed"]["1"]["code"] == 400 and answer["failed"]["2"]["code"] == 409
    again = api.post("/users/123/items", json=[_item(key="AAAAAAAA", version=0), _item(key="AAAAAAAA")]).json()
    assert again["failed"]["0"]["code"] == 412 and again["failed"]["1"]["code"] == 428


def test_fake_zotero_refuses_reused_write_token_and_stale_library_version(api):
    headers = {"Zotero-Write-Token": "token-0123456789"}
    assert api.post("/users/123/items", json=[_item()], headers=headers).status_code == 200
    assert api.post("/users/123/items", json=[_item()], headers=headers).status_code == 412
    stale = api.post("/users/123/items", json=[_item()], headers={"If-Unmodified-Since-Version": "0"})
    assert stale.status_code == 412


def test_fake_zotero_patches_with_versions(api, fake):
    key = fake.add_item(_item())
    assert api.patch(f"/users/123/items/{key}", json={"title": "New"}).status_code == 428
    assert (
        api.patch(
            f"/users/123/items/{key}", json={"title": "New"}, headers={"If-Unmodified-Since-Version": "0"}
        ).status_code
        == 412
    )
    ok = api.patch(f"/users/123/items/{key}", json={"title": "New"}, headers={"If-Unmodified-Since-Version": "1"})
    assert ok.status_code == 204 and fake.items()[0]["title"] == "New"


def test_fake_zotero_pages_reads_and_filters_by_since_and_item_key(api, fake):
    keys = [fake.add_item(_item(title=f"T{i}")) for i in range(30)]
    first = api.get("/users/123/items/top", params={"limit": 25})
    assert first.headers["Total-Results"] == "30" and len(first.json()) == 25 and "next" in first.links
    assert list(api.get("/users/123/items", params={"format": "versions", "since": 28}).json()) == keys[28:]
    picked = api.get("/users/123/items", params={"itemKey": ",".join(keys[:3])}).json()
    assert [o["key"] for o in picked] == keys[:3]
    fake.delete_item(keys[0])
    assert api.get("/users/123/deleted", params={"since": 30}).json()["items"] == [keys[0]]


def test_fake_zotero_injects_429_with_retry_after(api, fake):
    fake.inject("429")
    answer = api.get("/users/123/items")
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "1"
    assert api.get("/users/123/items").status_code == 200
