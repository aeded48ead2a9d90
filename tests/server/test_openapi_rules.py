"""The OpenAPI document declares the rules the server enforces: generated requests it calls valid are taken,
the ones it calls invalid are refused. Checked here on the rules that are regular expressions (the arXiv id, a
target a web page may name, plain text); schemathesis checks the whole document against a live server."""

from __future__ import annotations

import json
import re

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paperdrop.server.api.routes  # noqa: F401  registers the operations
from paperdrop.server.api.openapi import build_document
from paperdrop.server.services.targets import ZOTERO_SPEC, allowed_target
from paperdrop.sync.errors import InputError

_TARGET_PIECES = [
    "bibtex:",
    "zotero:",
    " ",
    "/",
    "//",
    "..",
    ".",
    "~",
    "~/",
    "~root/",
    "refs.bib",
    "x.BIB",
    "notes.txt",
    "Reading",
    "A B",
    "\t",
    "/etc/",
    "/tmp/",
    "thesis",
    "ml",
    "bib",
    ".bib",
    "zotero",
    ":",
]


def _targets(rt):
    pieces = [*_TARGET_PIECES, str(rt.settings.home_path), str(rt.settings.home_path) + "/"]
    return st.lists(st.sampled_from(pieces), min_size=1, max_size=6).map("".join)


def test_the_target_rule_in_the_document_is_what_the_server_allows(rt, home):
    rt.settings.targets.update(thesis="bibtex:/tmp/thesis.bib", ml="zotero:ML")
    schema = build_document("x", rt.settings)["components"]["schemas"]["ClipsIn"]["properties"]["target"]
    validator = jsonschema.Draft202012Validator(schema)

    @settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_targets(rt))
    def agrees(target):
        try:
            allowed_target(rt, target, "api")
            allowed = True
        except InputError:
            allowed = False
        assert validator.is_valid(target) == allowed, target

    agrees()


def test_the_target_rule_takes_linear_time_on_long_paths():
    """The Zotero pattern once backtracked exponentially: a path that fails at its end took seconds at six
    segments and hung this suite on a deep temporary directory. Each check here runs at once now; with the
    old pattern the first alone would take longer than the universe is old (see ZOTERO_SPEC)."""
    zotero = re.compile(ZOTERO_SPEC)
    deep = "/".join(["pytest-of-root"] * 40)
    assert not zotero.search(f"zotero:{deep}//x")  # an empty segment, found at the end
    assert not zotero.search(f"zotero:{deep}/ \t/x")  # a blank one
    assert zotero.search(f"zotero:{deep}/A B/ ")
    assert zotero.search(" zotero: Reading//Robotics") is None  # an empty segment in the middle
    assert zotero.search(" zotero: /Reading/ Robotics/ ")


def test_the_document_declares_a_usable_paper_exactly(client, auth):
    doc = client.get("/api/v1/openapi.json", headers=auth).get_json()
    validator = jsonschema.Draft202012Validator(
        {"$ref": "#/components/schemas/ClipIn", "components": doc["components"]}
    )
    cases = {
        '{"arxiv_id": "2403.12943"}': True,
        '{"arxiv_id": "arXiv:2403.12943v2"}': True,
        '{"url": "https://huggingface.co/papers/2403.12015"}': True,
        '{"url": "https://example.org/x"}': False,
        '{"title": "A title"}': True,
        '{"title": "   "}': False,
        '{"arxiv_id": "banana", "title": "A title"}': False,
        '{"arxiv_id": " ", "title": "A title"}': True,
        "{}": False,
        '{"title": "NUL \\u0000"}': False,
        '{"title": "T", "version": "2"}': False,
        '{"title": "T", "extra": {"n": 1e25}}': False,
        '{"title": "T", "extra": {"github": "https://github.com/x", "upvotes": 12}}': True,
    }
    for body, usable in cases.items():
        assert validator.is_valid(json.loads(body)) == usable, body
        answer = client.post("/api/v1/clips", json={"papers": [json.loads(body)]}, headers=auth)
        assert (answer.status_code == 202) == usable, (body, answer.get_data(as_text=True))
