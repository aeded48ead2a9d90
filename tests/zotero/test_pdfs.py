"""The PDF stored in the library through Zotero's upload protocol, exactly once; linked when it cannot be."""

from __future__ import annotations

import hashlib

from paperdrop.sync.zotero import ZoteroOptions
from paperdrop.sync.zotero.children import REMARKS
from paperdrop.sync.zotero.items import attachment_key
from tests.fakes.arxiv import fake_pdf
from tests.fakes.zotero_files import StoredFile

from .conftest import API_KEY, USER_ID, make_paper, make_requests


def _attachments(fake, key):
    return [c for c in fake.children(key) if c["itemType"] == "attachment"]


def test_sink_deliver_stores_the_pdf_as_an_imported_attachment(fake, make_sink, arxiv_pdfs):
    arxiv, _ = arxiv_pdfs
    sink = make_sink()
    [request] = make_requests(sink, [make_paper(1)])
    [outcome] = sink.deliver([request])
    [pdf] = _attachments(fake, request.remote_key)
    assert (pdf["title"], pdf["linkMode"], pdf["contentType"]) == ("Preprint PDF", "imported_url", "application/pdf")
    assert pdf["url"] == "https://arxiv.org/pdf/2403.10001v2" and pdf["md5"] and pdf["filename"] == "2403.10001v2.pdf"
    assert fake.file_of(pdf["key"]) == fake_pdf("2403.10001", 2) and outcome.remark is None
    assert [r.path for r in arxiv.pdf_requests] == ["2403.10001v2"]
    assert "PaperDrop" in arxiv.pdf_requests[0].user_agent


def test_sink_deliver_fetches_each_pdf_once_for_every_library_and_retry(fake, make_sink, arxiv_pdfs, tmp_path):
    arxiv, _ = arxiv_pdfs
    first = make_sink()
    first.deliver(make_requests(first, [make_paper(1)]))
    fake.add_key("OTHERKEY", user_id=777)
    other = make_sink(api_key="OTHERKEY", library_id="777", state_dir=tmp_path / "other")
    other.deliver(make_requests(other, [make_paper(1)], first_id=5))
    assert len(arxiv.pdf_requests) == 1 and len(fake.library("user", 777).files) == 1


def test_sink_deliver_stores_one_file_when_upload_answers_are_lost(fake, make_sink, job):
    sink = make_sink()
    requests = make_requests(sink, [make_paper(1), make_paper(2)])
    fake.inject("drop", times=1, method="POST", path=f"/items/{attachment_key(requests[0].remote_key)}/file")
    fake.inject("drop", times=1, path="/upload/")
    outcomes = sink.deliver(requests, job.run())
    assert {o.status for o in outcomes} == {"delivered"}
    assert len(fake.library().files) == 2 and len(fake.items(children=True)) == 6
    assert len(fake.library().uploads) <= 1  # at most one authorized upload was never used


def test_sink_deliver_counts_a_file_zotero_already_stores_as_done(fake, make_sink):
    content = fake_pdf("2403.10001", 2)
    parent = fake.add_item({"itemType": "preprint", "title": "Saved by hand"})
    by_hand = fake.add_item(
        {"itemType": "attachment", "parentItem": parent, "linkMode": "imported_file", "title": "PDF"}
    )
    fake.library().files[by_hand] = StoredFile(hashlib.md5(content).hexdigest(), "x.pdf", 1, content)
    sink = make_sink()
    [request] = make_requests(sink, [make_paper(1)])
    [outcome] = sink.deliver([request])
    [pdf] = _attachments(fake, request.remote_key)
    assert outcome.status == "delivered" and fake.requests("POST", "/upload/") == []  # "exists": no upload
    assert pdf["md5"] == hashlib.md5(content).hexdigest() and fake.file_of(pdf["key"]) == content


def test_sink_deliver_links_the_pdf_and_says_why_when_storage_is_full(fake, make_sink):
    fake.library().storage_quota = 100  # bytes: no PDF fits
    sink = make_sink()
    requests = make_requests(sink, [make_paper(1), make_paper(2)])
    outcomes = sink.deliver(requests)
    assert [o.status for o in outcomes] == ["delivered", "delivered"]
    assert [o.remark for o in outcomes] == [REMARKS["storage_full"]] * 2
    for request in requests:
        [pdf] = _attachments(fake, request.remote_key)
        assert pdf["linkMode"] == "linked_url" and pdf["url"].startswith("https://arxiv.org/pdf/")
    assert len(fake.requests("POST", "/file")) == 1  # the second paper was linked at once
    assert "storage is full" in sink.check().message and fake.library().files == {}


def test_sink_deliver_links_the_pdf_when_the_key_may_not_upload_files(fake, make_sink):
    fake.add_key(API_KEY, user_id=USER_ID, files=False)
    sink = make_sink()
    [request] = make_requests(sink, [make_paper(1)])
    [outcome] = sink.deliver([request])
    assert outcome.status == "delivered" and outcome.remark == REMARKS["no_file_access"].replace(
        "{pdf_setting}", "PAPERDROP_ZOTERO_PDF"
    )
    assert outcome.remark.endswith("or set PAPERDROP_ZOTERO_PDF to linked.")
    assert [a["linkMode"] for a in _attachments(fake, request.remote_key)] == ["linked_url"]
    assert fake.requests("POST", "/file") == []  # known from the key check: nothing created to be deleted


def test_sink_deliver_links_or_leaves_out_the_pdf_as_configured(fake, make_sink, arxiv_pdfs):
    linked = make_sink("L", options=ZoteroOptions(pdf="linked"))
    [a] = make_requests(linked, [make_paper(1)])
    linked.deliver([a])
    none = make_sink("N", options=ZoteroOptions(pdf="none"))
    [b] = make_requests(none, [make_paper(2)], first_id=2)
    none.deliver([b])
    assert [x["linkMode"] for x in _attachments(fake, a.remote_key)] == ["linked_url"]
    assert _attachments(fake, b.remote_key) == [] and arxiv_pdfs[0].pdf_requests == []


def test_sink_deliver_settles_a_paper_with_no_children_to_write(fake, make_sink):
    # PDF "none", no arXiv comment and no digest context: the item is all there is, and it is delivered.
    sink = make_sink("N", options=ZoteroOptions(pdf="none"))
    [request] = make_requests(sink, [make_paper(3, comment=None)])
    [outcome] = sink.deliver([request])
    assert outcome.status == "delivered", outcome.error
    assert fake.children(request.remote_key) == []
