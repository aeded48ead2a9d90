"""Sign-in, sessions, CSRF and the headers that keep other web pages out of the dashboard."""

from __future__ import annotations

import os
import stat

import pytest

from paperdrop.server.app import create_app
from paperdrop.server.dashboard.session_auth import SECRET_FILE, load_or_create_secret
from paperdrop.server.store.models import Clip
from tests.dashboard.conftest import (
    add_paper,
    add_review_clip,
    csrf_from,
    get_clip,
    get_deliveries,
    page_csrf,
    sign_in,
)

PAGES = ["/", "/papers/1", "/review", "/import", "/targets", "/import/1-3"]


@pytest.mark.parametrize("path", PAGES)
def test_dashboard_page_redirects_to_sign_in_when_signed_out(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_progress_endpoint_answers_401_json_when_signed_out(client):
    response = client.get("/import/1-3/progress")

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_sign_in_opens_every_page_with_the_right_token(client):
    response = sign_in(client, next_path="/review")

    assert response.status_code == 303 and response.headers["Location"] == "/review"
    assert client.get("/").status_code == 200


def test_sign_in_refuses_a_wrong_token(client):
    response = sign_in(client, token="not-the-token")

    assert response.status_code == 401
    assert "not this server&#39;s token" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("next_path", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"])
def test_sign_in_redirects_only_to_local_paths(client, next_path):
    response = sign_in(client, next_path=next_path)

    assert response.headers["Location"] == "/"


def test_sign_in_cookie_is_httponly_and_samesite_strict(client):
    response = sign_in(client)

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("paperdrop_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie


def test_sign_in_refuses_a_form_without_csrf_token(client):
    client.get("/sign-in")

    response = client.post("/sign-in", data={"token": "test-token-0123456789abcdef"})

    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_sign_in_starts_a_new_session_with_a_new_csrf_token(client):
    before = csrf_from(client.get("/sign-in").get_data(as_text=True))
    sign_in(client)

    assert page_csrf(client) != before


def test_sign_out_ends_the_session(signed_in):
    response = signed_in.post("/sign-out", data={"csrf_token": page_csrf(signed_in)})

    assert response.status_code == 303
    assert signed_in.get("/").status_code == 302


def test_session_ends_when_the_token_changes(signed_in, app):
    app.config["PAPERDROP_TOKEN"] = "a-rotated-token-0123456789"

    assert signed_in.get("/").status_code == 302


ACTIONS = ["/sign-out", "/papers/{paper}/retry", "/review/{clip}/choose", "/review/{clip}/dismiss", "/import"]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_dashboard_action_is_refused_without_the_session_csrf_token(signed_in, rt, action, token):
    paper = add_paper(rt, "2403.12943", "Vid2Robot", {"bibtex:/tmp/x.bib": {"state": "failed"}})
    clip = add_review_clip(rt, "Mirror Descent Policy Optimization", [])
    data = {"arxiv_id": "2403.12943", "text": "2408.03906"}
    if token:
        data["csrf_token"] = token

    response = signed_in.post(action.format(paper=paper, clip=clip), data=data)

    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)
    assert signed_in.get("/").status_code == 200  # still signed in, and nothing else happened either
    assert get_clip(rt, clip).status == "needs_review"
    assert [d.state for d in get_deliveries(rt, paper)] == ["failed"]
    with rt.db.session() as session:
        assert session.query(Clip).count() == 2


def test_dashboard_accepts_the_csrf_token_in_a_header(signed_in):
    response = signed_in.post("/sign-out", headers={"X-CSRF-Token": page_csrf(signed_in)})

    assert response.status_code == 303


def test_dashboard_refuses_a_form_posted_from_another_origin(signed_in):
    response = signed_in.post(
        "/sign-out", data={"csrf_token": page_csrf(signed_in)}, headers={"Origin": "https://evil.example"}
    )

    assert response.status_code == 403


def test_dashboard_refuses_a_foreign_host_header(client):
    response = client.get("/sign-in", headers={"Host": "evil.example"})

    assert response.status_code == 403


def test_dashboard_pages_send_a_strict_content_security_policy(signed_in):
    response = signed_in.get("/")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_secret_key_is_made_once_per_data_directory_with_mode_0600(home):
    first = load_or_create_secret(home)

    assert load_or_create_secret(home) == first and len(first) == 64
    assert stat.S_IMODE(os.stat(home / SECRET_FILE).st_mode) == 0o600


def test_secret_key_survives_a_restart_so_sessions_do(rt, signed_in):
    again = create_app(runtime=rt).test_client()
    cookie = signed_in.get_cookie("paperdrop_session")
    again.set_cookie("paperdrop_session", cookie.value)

    assert again.get("/").status_code == 200
