"""/pair: a signed-in user confirms (CSRF-checked) and the page hands the token to the extension."""

from __future__ import annotations

import re

from tests.conftest import TOKEN
from tests.dashboard.conftest import csrf_from, page_csrf

PAIR_ELEMENT = re.compile(r'<div id="paperdrop-pair" hidden data-token="([^"]+)" data-server="([^"]+)">')


def test_pair_sends_a_visitor_to_sign_in_and_back(client):
    response = client.get("/pair")
    assert response.status_code == 302 and "/sign-in?next=/pair" in response.headers["Location"]
    assert TOKEN not in client.get("/sign-in?next=/pair").get_data(as_text=True)


def test_pair_shows_a_confirm_button_and_not_the_token(signed_in):
    page = signed_in.get("/pair").get_data(as_text=True)
    assert 'id="pair-confirm"' in page and csrf_from(page)
    assert TOKEN not in page


def test_confirming_hands_the_token_to_the_pairing_element(signed_in):
    response = signed_in.post("/pair", data={"csrf_token": page_csrf(signed_in, "/pair")})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    token, server = PAIR_ELEMENT.search(response.get_data(as_text=True)).groups()
    assert token == TOKEN and server == "http://localhost"


def test_confirming_without_the_session_csrf_token_is_refused(signed_in):
    for data in ({}, {"csrf_token": "forged"}):
        response = signed_in.post("/pair", data=data)
        assert response.status_code == 400 and TOKEN not in response.get_data(as_text=True)


def test_confirming_without_signing_in_is_refused(client):
    token = csrf_from(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/pair", data={"csrf_token": token})
    assert response.status_code == 302 and TOKEN not in response.get_data(as_text=True)


def test_a_rotated_token_file_takes_effect_in_the_running_server(tmp_path, fake_arxiv):
    from paperdrop.server.app import create_app
    from paperdrop.server.security import rotate_token, token_path
    from tests.conftest import HOST, make_settings

    app = create_app(make_settings(tmp_path / "home", token=""))
    client = app.test_client()
    old = token_path(tmp_path / "home").read_text().strip()
    headers = {"Host": HOST}
    assert client.get("/api/v1/targets", headers={**headers, "Authorization": f"Bearer {old}"}).status_code == 200
    new = rotate_token(tmp_path / "home")
    assert client.get("/api/v1/targets", headers={**headers, "Authorization": f"Bearer {old}"}).status_code == 401
    assert client.get("/api/v1/targets", headers={**headers, "Authorization": f"Bearer {new}"}).status_code == 200
