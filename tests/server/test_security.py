"""Local-first safety: token file, rotation, Host and Origin rules, secrets never in answers or logs."""

from __future__ import annotations

import logging
import stat

import pytest

from paperdrop.server.app import create_app
from paperdrop.server.runtime import Runtime
from paperdrop.server.security import host_allowed, load_or_create_token, origin_allowed, rotate_token, token_matches
from tests.conftest import TOKEN, make_settings


def test_token_is_generated_once_with_owner_only_permissions(tmp_path):
    token = load_or_create_token(tmp_path)
    assert len(token) >= 40
    assert stat.S_IMODE((tmp_path / "token").stat().st_mode) == 0o600
    assert load_or_create_token(tmp_path) == token
    rotated = rotate_token(tmp_path)
    assert rotated != token and load_or_create_token(tmp_path) == rotated


def test_app_without_configured_token_uses_the_generated_one(home, fake_arxiv):
    rt = Runtime(make_settings(home, token=None, arxiv_api_url=fake_arxiv.url))
    client = create_app(runtime=rt).test_client()
    generated = (home / "token").read_text().strip()
    assert client.get("/api/v1/papers", headers={"Authorization": f"Bearer {generated}"}).status_code == 200
    assert client.get("/api/v1/papers", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 401
    rt.close()


@pytest.mark.parametrize(
    "host,allowed",
    [
        ("127.0.0.1:7077", True),
        ("localhost:7077", True),
        ("[::1]:7077", True),
        ("localhost", True),
        ("LOCALHOST:1", True),
        ("evil.example", False),
        ("127.0.0.1.evil.example:7077", False),
        ("attacker.localhost:7077", False),
        ("", False),
    ],
)
def test_host_header_must_be_a_local_name(host, allowed):
    assert host_allowed(host, ["localhost", "127.0.0.1", "[::1]"]) is allowed


@pytest.mark.parametrize(
    "origin,allowed",
    [
        (None, True),
        ("chrome-extension://abcdefghijklmnopabcdefghijklmnop", True),
        ("moz-extension://uuid", True),
        ("http://127.0.0.1:7077", True),
        ("http://127.0.0.1:8000", False),
        ("https://evil.example", False),
        ("null", False),
        ("file://", False),
    ],
)
def test_origin_must_be_an_extension_or_the_server_itself(origin, allowed):
    assert origin_allowed(origin, "127.0.0.1:7077") is allowed


def test_token_compare_is_exact():
    assert token_matches(TOKEN, TOKEN)
    assert not token_matches(TOKEN[:-1], TOKEN)
    assert not token_matches(TOKEN + "x", TOKEN)


def test_secrets_never_appear_in_answers_or_logs(home, fake_arxiv, caplog):
    secret_key = "ZOTEROSECRETKEY1234567890"
    rt = Runtime(
        make_settings(
            home,
            arxiv_api_url=fake_arxiv.url,
            zotero_api_key=secret_key,
            zotero_library_id="1",
            zotero_api_url="http://127.0.0.1:9",
            default_target="zotero:Reading",
        )
    )
    client = create_app(runtime=rt).test_client()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with caplog.at_level(logging.DEBUG):
        bodies = [
            client.get(path, headers=headers).get_data(as_text=True)
            for path in ("/api/v1/targets", "/api/v1/health", "/api/v1/openapi.json", "/api/v1/papers")
        ]
        bodies.append(
            client.post("/api/v1/clips", json={"papers": [{"arxiv_id": "2403.12943"}]}, headers=headers).get_data(
                as_text=True
            )
        )
        bodies.append(client.get("/api/v1/papers", headers={"Authorization": "Bearer wrong"}).get_data(as_text=True))
    for text in bodies + [caplog.text]:
        assert secret_key not in text and TOKEN not in text
    assert rt.settings.public()["zotero_api_key"] is True
    rt.close()
