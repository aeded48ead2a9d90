"""The fake arXiv itself behaves as docs/reference.md says, so tests against it mean something."""

from __future__ import annotations

import pytest
import requests
from lxml import etree

NS = {
    "a": "http://www.w3.org/2005/Atom",
    "os": "http://a9.com/-/spec/opensearch/1.1/",
    "arxiv": "http://arxiv.org/schemas/atom",
}


def _get(fake, **params):
    resp = requests.get(fake.url, params=params, timeout=5)
    root = etree.fromstring(resp.content) if resp.headers["Content-Type"].startswith("application/atom") else None
    return resp, root


def _ids(root):
    return [e.findtext("a:id", namespaces=NS).rsplit("/abs/", 1)[-1] for e in root.iterfind("a:entry", NS)]


def test_fake_arxiv_answers_an_id_list_with_versioned_entries_and_total_results(fake):
    resp, root = _get(fake, id_list="2403.12943,2403.99999")

    assert resp.status_code == 200
    assert _ids(root) == ["2403.12943v2"]
    assert root.findtext("os:totalResults", namespaces=NS) == "1"
    entry = root.find("a:entry", NS)
    assert entry.find("arxiv:primary_category", NS).get("term") == "cs.RO"
    assert entry.find("a:link[@title='pdf']", NS).get("rel") == "related"
    assert "\n" in entry.findtext("a:title", namespaces=NS)  # titles come wrapped, as arXiv sends them


def test_fake_arxiv_truncates_an_id_list_at_the_default_max_results_of_10(fake, corpus):
    _, root = _get(fake, id_list=",".join(p["id"] for p in corpus[:15]))

    assert len(_ids(root)) == 10
    assert root.findtext("os:totalResults", namespaces=NS) == "15"


def test_fake_arxiv_returns_an_earlier_version_when_asked_for_it(fake):
    _, root = _get(fake, id_list="2211.08416v1")

    assert _ids(root) == ["2211.08416v1"]
    assert root.findtext("a:entry/a:title", namespaces=NS).startswith("Robot Learning on the Job")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"id_list": "2403.12943,2403.129"}, "incorrect id format for 2403.129"),
        ({"search_query": "Vid2Robot: End"}, "unknown field"),
        ({"search_query": "ti:Vid2Robot: End"}, "malformed term"),
        ({"search_query": "ti:end:to"}, "malformed term"),
        ({"search_query": "ti:policy", "max_results": "2001"}, "at most 2000"),
        ({"search_query": "(ti:policy"}, "unbalanced"),
    ],
)
def test_fake_arxiv_answers_400_with_an_error_feed(fake, params, message):
    resp, root = _get(fake, **params)

    assert resp.status_code == 400
    assert message in root.findtext("a:entry/a:summary", namespaces=NS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('ti:"policy guided diffusion"', {"2404.06356"}),
        ('ti:"policies guided diffusion"', {"2404.06356"}),  # stemmed: phrases are not exact
        ("ti:visuo-motor", set()),  # the hyphen trap: visuo ANDNOT motor misses DynaMo's Visuo-Motor
        ("ti:mirror AND ti:descent ANDNOT ti:value", {"2005.09814"}),
        ('ti:"Vid2Robot" OR ti:"table tennis"', {"2403.12943", "2408.03906"}),
        ("au:nobodyatall", set()),
        ("cat:physics.flu-dyn", set()),  # unquoted hyphen again
    ],
)
def test_fake_arxiv_implements_the_query_language(fake, query, expected):
    _, root = _get(fake, search_query=query, max_results=100)

    found = {i.rsplit("v", 1)[0] for i in _ids(root)}
    assert expected <= found if expected else found == set()


def test_fake_arxiv_orders_an_exact_title_first(fake):
    _, root = _get(fake, search_query='ti:"policy guided diffusion"', max_results=5)

    assert _ids(root)[0].startswith("2404.06356")


def test_fake_arxiv_answers_429_when_requests_come_too_fast(corpus):
    from tests.fakes.arxiv import FakeArxiv

    with FakeArxiv(corpus=corpus, min_interval=60) as fake:
        first, _ = _get(fake, id_list="2403.12943")
        second, _ = _get(fake, id_list="2403.12943")

    assert (first.status_code, second.status_code, second.text) == (200, 429, "Rate exceeded.")
