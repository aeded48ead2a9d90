"""One copy present, judged by the file as it is now: removed entries come back, present ones never twice,
and a person's edits to an entry PaperDrop wrote are kept."""

from __future__ import annotations

from .conftest import make_paper, request
from .test_sink import outcomes_entry, parse

SECOND = make_paper("2401.00002", title="Second Paper")


def delivered(sink, *papers):
    outcomes = sink.deliver([request(i, paper) for i, paper in enumerate(papers, start=1)])
    return {o.delivery_id: o.remote_key for o in outcomes}


def recheck(delivery_id, paper, key, **kwargs):
    return request(delivery_id, paper, remote_key=key, recheck=True, **kwargs)


def remove_entry(bib, key):
    data = bib.read_bytes()
    bib.write_bytes(data.replace(outcomes_entry(data, key), b""))


def test_bibtex_sink_recheck_of_a_present_entry_writes_nothing(make_sink, bib):
    sink = make_sink()
    keys = delivered(sink, make_paper(), SECOND)
    before = bib.read_bytes()
    (outcome,) = sink.deliver([recheck(1, make_paper(), keys[1])])
    assert (outcome.status, outcome.remote_key, outcome.already_present, outcome.rewritten) == (
        "delivered", "jain2024vid2robot", True, False,
    )  # fmt: skip
    assert bib.read_bytes() == before


def test_bibtex_sink_writes_a_removed_entry_again_under_its_key(make_sink, bib):
    sink = make_sink()
    bib.write_text("% mine\n@misc{user, title = {Mine}}\n")
    keys = delivered(sink, make_paper(), SECOND)
    remove_entry(bib, keys[1])
    without = bib.read_bytes()
    (outcome,) = sink.deliver([recheck(1, make_paper(), keys[1])])
    assert (outcome.status, outcome.remote_key, outcome.already_present, outcome.rewritten) == (
        "delivered", keys[1], False, True,
    )  # fmt: skip
    after = bib.read_bytes()
    assert after.startswith(without)
    assert [e["ID"] for e in parse(bib)] == ["user", keys[2], keys[1]]
    again = sink.deliver([recheck(1, make_paper(), keys[1])])
    assert again[0].already_present and bib.read_bytes() == after  # present now: never a second copy


def test_bibtex_sink_writes_every_paper_again_after_the_file_was_deleted(make_sink, bib):
    sink = make_sink()
    keys = delivered(sink, make_paper(), SECOND)
    bib.unlink()
    outcomes = sink.deliver([recheck(1, make_paper(), keys[1]), recheck(2, SECOND, keys[2])])
    assert [(o.remote_key, o.rewritten, o.already_present) for o in outcomes] == [
        (keys[1], True, False), (keys[2], True, False),
    ]  # fmt: skip
    assert [e["ID"] for e in parse(bib)] == [keys[1], keys[2]]


def test_bibtex_sink_keeps_a_persons_edit_of_an_entry_it_wrote(make_sink, bib):
    sink = make_sink()
    keys = delivered(sink, make_paper())
    edited = bib.read_text().replace("  year = {2024},\n", "  year = {2024},\n  file = {my.pdf},\n")
    bib.write_text(edited)
    changed_paper = make_paper(doi="10.1000/new")
    for req in (recheck(1, changed_paper, keys[1]), recheck(1, changed_paper, keys[1], update=True)):
        (outcome,) = sink.deliver([req])
        assert (outcome.already_present, outcome.rewritten) == (True, False)
    assert bib.read_text() == edited


def test_bibtex_sink_finds_an_entry_the_user_gave_another_key(make_sink, bib):
    sink = make_sink()
    keys = delivered(sink, make_paper())
    bib.write_text(bib.read_text().replace("@misc{jain2024vid2robot,", "@misc{Jain:2024,"))
    before = bib.read_bytes()
    (outcome,) = sink.deliver([recheck(1, make_paper(), keys[1])])
    assert (outcome.remote_key, outcome.already_present) == ("Jain:2024", True)
    assert bib.read_bytes() == before


def test_bibtex_sink_finds_an_entry_whose_identifiers_the_user_removed(make_sink, bib):
    sink = make_sink()
    keys = delivered(sink, make_paper())
    bib.write_text("@misc{jain2024vid2robot, title = {My own notes on it}}\n")
    (outcome,) = sink.deliver([recheck(1, make_paper(), keys[1])])
    assert (outcome.remote_key, outcome.already_present) == ("jain2024vid2robot", True)


def test_bibtex_sink_rewrites_under_a_new_key_when_its_key_now_names_another_paper(make_sink, bib):
    sink = make_sink()
    keys = delivered(sink, make_paper())
    bib.write_text("@misc{jain2024vid2robot, eprint = {2309.99999}, title = {Something else}}\n")
    (outcome,) = sink.deliver([recheck(1, make_paper(), keys[1])])
    assert (outcome.remote_key, outcome.rewritten, outcome.already_present) == ("jain2024vid2robota", True, False)
    assert len(parse(bib)) == 2


def test_bibtex_sink_update_of_a_removed_entry_writes_it_again(make_sink, bib):
    sink = make_sink()
    keys = delivered(sink, make_paper(), SECOND)
    remove_entry(bib, keys[1])
    (outcome,) = sink.deliver([request(1, make_paper(doi="10.1000/x"), remote_key=keys[1], update=True)])
    assert (outcome.remote_key, outcome.rewritten) == (keys[1], True)
    assert b"doi = {10.1000/x}" in outcomes_entry(bib.read_bytes(), keys[1])


def test_bibtex_sink_reuses_the_key_of_a_removed_entry_the_server_forgot(make_sink, bib):
    """A crash after the write lost the key on the server: the paper keeps the key it had in this file."""
    sink = make_sink()
    sink.deliver([request(1, make_paper(), remote_key="myKey")])
    remove_entry(bib, "myKey")
    (outcome,) = sink.deliver([request(1, make_paper())])
    assert (outcome.remote_key, outcome.rewritten) == ("myKey", True)


def test_bibtex_sink_a_first_delivery_is_not_a_rewrite(make_sink, bib):
    (outcome,) = make_sink().deliver([request(1, make_paper())])
    assert (outcome.rewritten, outcome.already_present) == (False, False)
