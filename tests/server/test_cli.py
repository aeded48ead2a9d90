"""The `paperdrop` commands: output a person can read, JSON for scripts, and exit codes to rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from paperdrop.server.cli import main
from tests.support.server import base_env, run_cli

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "digests" / "hf-papers-digest.txt"  # a real digest page's text


@pytest.fixture
def cli(home, fake_arxiv):
    env = base_env(home, {"PAPERDROP_ARXIV_API_URL": fake_arxiv.url})
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, list(args), env=env, input=input, catch_exceptions=False)

    return invoke


def test_help_explains_every_command(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("serve", "worker", "import", "status", "retry", "resolve", "export", "token", "targets"):
        assert command in result.output
        sub = cli(command, "--help")
        assert sub.exit_code == 0 and "Usage:" in sub.output


def test_import_ids_wait_delivers_and_exits_zero(cli, home):
    result = cli("import", "2403.12943", "https://arxiv.org/abs/2408.03906v1", "--wait")
    assert result.exit_code == 0, result.output
    assert "2 papers to papers.bib: 2 written" in result.output
    bib = (home / "papers.bib").read_text()
    assert "eprint = {2403.12943}" in bib and "eprint = {2408.03906}" in bib


def test_import_exits_one_and_lists_what_was_not_delivered(cli):
    result = cli("import", "2403.12943", "2401.99999", "--wait", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    outcomes = {r["arxiv_id"]: r["outcome"]["kind"] for r in data["results"]}
    assert outcomes == {"2403.12943": "saved", "2401.99999": "failed"}
    failed = data["results"][1]["outcome"]
    assert failed["message"] == "arXiv has no paper 2401.99999." and failed["fix"]


def test_import_from_stdin_without_wait_only_stores(cli):
    result = cli("import", "-", input="see arXiv:2403.12943 and https://huggingface.co/papers/2408.03906\n")
    assert result.exit_code == 0 and "Stored 2 papers" in result.output
    status = json.loads(cli("status", "--json").stdout)
    assert status["clips"]["received"] == 2 and status["due"]["clips"] == 2


def test_import_rejects_what_is_neither_file_nor_id(cli):
    result = cli("import", "no-such-file.txt")
    assert result.exit_code == 2 and "Not a file and not an arXiv id" in result.output


def test_import_rejects_unknown_target(cli):
    result = cli("import", "2403.12943", "--to", "dropbox:papers")
    assert result.exit_code == 2 and "Unknown target 'dropbox:papers'" in result.output and "zotero:" in result.output


def test_status_lists_failures_with_their_error(cli):
    cli("import", "2401.99999", "--wait")
    result = cli("status")
    assert result.exit_code == 0 and "1 failed" in result.output and "arXiv has no paper 2401.99999" in result.output


def test_retry_requeues_failed_clips(cli):
    cli("import", "2401.99999", "--wait")
    assert "Requeued 1 clip and the failed deliveries to 0 targets;" in cli("retry", "--failed").output
    assert json.loads(cli("status", "--json").stdout)["clips"]["received"] == 1
    assert cli("retry").exit_code == 2  # neither ids nor --failed


def test_resolve_settles_a_clip_and_delivers_it(cli, home):
    result = cli("import", "-", "--wait", "--json", input="A Theory of Teacup Gravity\n\nNo abstract here.\n")
    clip_id = json.loads(result.stdout)["results"][0]["clip_id"]
    settled = cli("resolve", str(clip_id), "arXiv:2408.03906")
    assert settled.exit_code == 0 and "Saved to papers.bib" in settled.output
    assert "eprint = {2408.03906}" in (home / "papers.bib").read_text()
    assert cli("resolve", str(clip_id), "not-an-id").exit_code == 2


def test_resolve_refuses_an_id_arxiv_does_not_have(cli):
    result = cli("import", "-", "--wait", "--json", input="A Theory of Teacup Gravity\n")
    clip_id = json.loads(result.stdout)["results"][0]["clip_id"]

    refused = cli("resolve", str(clip_id), "2401.99999")

    assert refused.exit_code == 2
    assert "arXiv has no paper 2401.99999." in refused.output and "typo" in refused.output
    assert json.loads(cli("status", "--json").stdout)["clips"]["needs_review"] == 1  # nothing changed


def test_import_reports_what_the_source_did_not_give_as_papers(cli, tmp_path):
    digest = tmp_path / "digest.txt"
    abstract = "An abstract long enough to count as one, about robots that learn from people. " * 2
    digest.write_text(
        f"A Title About Robots\n\n{abstract} See also arXiv:2212.06817.\n\nA Title Standing Alone\n\n"
        f"Policy-Guided Diffusion\n\n{abstract}\n"
    )

    result = cli("import", str(digest))
    data = json.loads(cli("import", str(digest), "--json").stdout)

    assert result.exit_code == 0 and "Stored 3 papers" in result.output
    assert "digest.txt: line 5: a title without an abstract, kept as title-only" in result.output
    assert "digest.txt: 1 arXiv id mentioned, not imported" in result.output and "2212.06817" in result.output
    assert data["not_used"] == [
        {
            "source": "digest.txt",
            "line": 5,
            "message": "a title without an abstract, kept as title-only",
            "text": "A Title Standing Alone",
        }
    ]
    assert data["mentioned"] == [{"source": "digest.txt", "ids": ["2212.06817"]}]


def test_export_prints_the_delivered_entries(cli):
    cli("import", "2403.12943", "--wait")
    result = cli("export")
    assert result.exit_code == 0 and result.output.startswith("@misc{finn2024vid2robot,")


def test_token_prints_and_rotates(home, fake_arxiv):
    env = {
        k: v for k, v in base_env(home, {"PAPERDROP_ARXIV_API_URL": fake_arxiv.url}).items() if k != "PAPERDROP_TOKEN"
    }
    runner = CliRunner()
    first = runner.invoke(main, ["token"], env={**env, "PAPERDROP_TOKEN": ""}).output.strip()
    assert first == (home / "token").read_text().strip()
    rotated = runner.invoke(main, ["token", "--rotate"], env={**env, "PAPERDROP_TOKEN": ""}).output.splitlines()[0]
    assert rotated != first and rotated == (home / "token").read_text().strip()


def test_token_rotate_refuses_when_token_comes_from_environment(cli):
    result = cli("token", "--rotate")
    assert result.exit_code == 3 and "PAPERDROP_TOKEN" in result.output


def test_targets_reports_reachability_and_exit_code(cli, home, tmp_path):
    assert cli("targets").exit_code == 0
    (home / "paperdrop.toml").write_text(f'[targets]\nbroken = "bibtex:{tmp_path}/missing/dir/x.bib"\n')
    result = cli("targets")
    assert result.exit_code == 1 and "broken" in result.output and "fix:" in result.output


def test_import_sample_digest_in_a_real_process(home, fake_arxiv, tmp_path):
    out = tmp_path / "out.bib"
    result = run_cli(
        home, "import", str(SAMPLE), "--to", f"bibtex:{out}", "--wait", env={"PAPERDROP_ARXIV_API_URL": fake_arxiv.url}
    )
    assert result.returncode == 0, result.stderr.decode()
    assert b"30 papers to out.bib: 30 written" in result.stdout
    assert out.read_text().count("@misc{") == 30
    assert len(fake_arxiv.requests) <= 5


def test_import_sample_digest_through_injected_faults_gives_the_same_result(home, tmp_path):
    from tests.fakes.arxiv import FakeArxiv, load_corpus

    out = tmp_path / "out.bib"
    with FakeArxiv(corpus=load_corpus(), fault_rate=0.2, seed=3) as fake:
        fake.inject("503", ("429", 0), "empty", "drop")  # one of each kind first, then 20 % at random
        result = run_cli(
            home, "import", str(SAMPLE), "--to", f"bibtex:{out}", "--wait", env={"PAPERDROP_ARXIV_API_URL": fake.url}
        )
        faults = [r for r in fake.requests if r.fault]
    assert result.returncode == 0, result.stderr.decode()
    assert b"30 papers to out.bib: 30 written" in result.stdout
    assert out.read_text().count("@misc{") == 30
    assert faults  # the run really went through failures


def test_export_command_and_api_render_the_same_entries(cli, rt, client, auth):
    cli("import", "2403.12943", "2408.03906", "--wait")
    from_cli = cli("export").stdout
    from_api = client.get("/api/v1/export.bib", headers=auth).get_data(as_text=True)
    assert from_cli == from_api and from_cli.count("@misc{") == 2
