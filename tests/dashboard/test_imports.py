"""Import page and live progress; targets page."""

from __future__ import annotations

import html
import io
import re

import pytest
from werkzeug.test import EnvironBuilder

from paperdrop.server.dashboard.imports import decode_batch, encode_batch
from paperdrop.server.jobs.foreground import run_until_settled
from paperdrop.server.store.models import Clip
from tests.dashboard.conftest import default_target, get_clip, page_csrf

BIB_ENTRY = b"@article{x, title={Vid2Robot}, eprint={2403.12943}, archivePrefix={arXiv}}\n"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def submit(client, **fields):
    data = {"csrf_token": page_csrf(client, "/import"), "target": "", **fields}
    return client.post("/import", data=data, content_type="multipart/form-data")


def clips(rt) -> list[Clip]:
    with rt.db.session() as session:
        return list(session.query(Clip).order_by(Clip.id))


def test_import_form_offers_every_known_target(signed_in, rt):
    rt.settings.targets["robotics"] = "zotero:Reading/Robotics"

    page = text(signed_in.get("/import"))

    assert "<title>Import · PaperDrop</title>" in page
    assert f'<option value="{default_target(rt)}"' in page and "(default)" in page
    assert '<option value="zotero:Reading/Robotics">zotero:Reading/Robotics (robotics)' in page
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page


def test_import_pasted_ids_stores_clips_and_shows_progress(signed_in, rt):
    before = rt.queue.pending()

    response = submit(signed_in, text="2403.12943\nhttps://arxiv.org/abs/2408.03906v1\n")

    stored = clips(rt)
    assert [c.arxiv_id for c in stored] == ["2403.12943", "2408.03906"]
    assert {c.target for c in stored} == {default_target(rt)}
    assert response.status_code == 303
    assert response.headers["Location"] == f"/import/{stored[0].id}-{stored[1].id}"
    assert rt.queue.pending() == before + 1  # one resolve job, after the commit
    page = text(signed_in.get(response.headers["Location"]))
    assert "Importing 2 papers into" in page
    assert f'data-clip-id="{stored[0].id}"' in page and "in progress" in page


def test_import_uploaded_file_is_parsed_by_its_name(signed_in, rt):
    submit(signed_in, file=(io.BytesIO(BIB_ENTRY), "refs.bib"))

    assert [c.arxiv_id for c in clips(rt)] == ["2403.12943"]


def test_import_accepts_a_saved_page_larger_than_the_api_body_limit(signed_in, rt):
    padding = b"% " + b"x" * 1_500_000 + b"\n"
    assert len(padding) > rt.settings.max_body_bytes

    data = {"csrf_token": page_csrf(signed_in, "/import"), "file": (io.BytesIO(padding + BIB_ENTRY), "big.bib")}
    environ = EnvironBuilder(path="/import", method="POST", data=data).get_environ()
    try:
        response = signed_in.open(environ)
    finally:  # the test client spools a large body to a temp file that it never closes
        environ["wsgi.input"].close()

    assert response.status_code == 303 and [c.arxiv_id for c in clips(rt)] == ["2403.12943"]


def test_import_to_another_target_spec(signed_in, rt):
    submit(signed_in, text="2403.12943", target_other="zotero:Reading/Robotics")

    assert [c.target for c in clips(rt)] == ["zotero:Reading/Robotics"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "   "}, "No papers found."),
        ({"text": "2403.12943", "target_other": "dropbox:papers"}, "Unknown target 'dropbox:papers'."),
    ],
)
def test_import_refuses_input_it_cannot_use(signed_in, rt, fields, message):
    response = submit(signed_in, **fields)

    assert response.status_code == 400 and message in text(response)
    assert clips(rt) == []
    assert fields["text"] in text(response)  # the form keeps what was typed


def test_import_progress_reaches_done_as_the_work_settles(signed_in, rt):
    location = submit(signed_in, text="2403.12943\n2408.03906").headers["Location"]
    ids = decode_batch(location.rsplit("/", 1)[1])

    first = signed_in.get(location + "/progress").get_json()
    run_until_settled(rt, ids, timeout=20, poll=0.01)
    last = signed_in.get(location + "/progress").get_json()

    assert (first["done"], first["settled"], first["total"]) == (False, 0, 2)
    assert (last["done"], last["settled"], last["counts"]) == (True, 2, {"saved": 2})
    assert re.fullmatch(r"/papers/\d+", last["results"][0]["link"])
    assert last["results"][0]["outcome"]["message"] == "Saved to papers.bib"
    assert last["results"][0]["title"].startswith("Vid2Robot")
    assert "Done." in text(signed_in.get(location))


def test_import_progress_links_a_clip_that_needs_review(signed_in, rt):
    abstract = "Teacups attract one another. " * 6
    location = submit(signed_in, text=f"A Theory of Teacup Gravity\n\n{abstract}").headers["Location"]
    (clip_id,) = decode_batch(location.rsplit("/", 1)[1])

    run_until_settled(rt, [clip_id], timeout=20, poll=0.01)
    (result,) = signed_in.get(location + "/progress").get_json()["results"]

    assert result["outcome"]["kind"] == "needs_review" and result["outcome_text"] == "needs review"
    assert result["link"] == f"/review#clip-{clip_id}"


def test_import_says_what_the_source_did_not_give_as_papers(signed_in, rt):
    abstract = "An abstract long enough to count as one, about robots that learn from people. " * 2
    pasted = f"A Title About Robots\n\n{abstract} See arXiv:2212.06817.\n\nA Title Standing Alone\n"

    response = submit(signed_in, text=pasted)
    page = text(signed_in.get(response.headers["Location"]))

    assert "Importing 2 papers" in page
    assert "pasted text: line 5: a title without an abstract, kept as title-only" in page
    assert "pasted text: 1 arXiv id mentioned, not imported" in page and "2212.06817" in page


def test_import_of_nothing_usable_says_why(signed_in, rt):
    response = submit(signed_in, text="see arXiv:2413.12345 for more\n")

    assert response.status_code == 400
    assert "No papers found." in text(response) and "'2413.12345' is not an arXiv id" in text(response)


def test_import_again_retries_a_failed_clip(signed_in, rt):
    submit(signed_in, text="2403.12943")
    (clip,) = clips(rt)
    with rt.db.session() as session:
        session.get(Clip, clip.id).status = "failed"

    submit(signed_in, text="2403.12943")

    assert get_clip(rt, clip.id).status == "received" and len(clips(rt)) == 1


def test_import_progress_page_escapes_titles(signed_in, rt):
    location = submit(signed_in, text="Teacups <script>alert(1)</script> fall\n\nAbstract.").headers["Location"]

    body = signed_in.get(location).get_data(as_text=True)

    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize("batch", ["abc", "1-", "5-3", "1,,2", "1-999999"])
def test_import_progress_rejects_a_malformed_batch(signed_in, batch):
    assert signed_in.get(f"/import/{batch}/progress").status_code == 404


@pytest.mark.parametrize(
    ("ids", "batch"), [([1], "1"), ([3, 4, 5, 9], "3-5,9"), ([9, 3, 4, 4], "3-4,9"), ([1, 3, 5], "1,3,5")]
)
def test_batch_encoding_round_trips(ids, batch):
    assert encode_batch(ids) == batch
    assert decode_batch(batch) == sorted(set(ids))


def test_targets_page_shows_reachability_and_the_fix(signed_in, rt, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    rt.settings.targets["robotics"] = "zotero:Reading/Robotics"
    rt.settings.targets["broken"] = f"bibtex:{blocker}/refs.bib"

    page = text(signed_in.get("/targets"))

    assert "<title>Targets · PaperDrop</title>" in page
    assert default_target(rt) in page and "reachable" in page
    assert "zotero:Reading/Robotics" in page and page.count("Fix:") >= 2
