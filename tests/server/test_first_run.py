"""First run to daily use, CLI side: the next steps at start, a taken port, a mistyped target, the service
unit, and messages naming a command that works in the way PaperDrop is installed."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from paperdrop.server import invocation
from paperdrop.server.cli import main
from paperdrop.server.cli.service import unit_text
from tests.support.server import ServerProcess, free_port, run_cli


def test_serve_says_what_to_do_next(tmp_path):
    with ServerProcess(tmp_path / "home") as server:
        log = server.log()
    assert f"is running at http://127.0.0.1:{server.port}/" in log
    assert "Dashboard" in log and "Pair with PaperDrop" in log and str(tmp_path / "home") in log


def test_serve_on_a_taken_port_names_the_holder_and_exits_3(tmp_path):
    port = free_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        result = run_cli(tmp_path / "home", "serve", "--port", str(port), timeout=60)
    output = result.stderr.decode()
    assert result.returncode == 3, output
    assert f"Port {port} on 127.0.0.1 is already in use: process" in output  # which process holds it
    assert f"serve --port {port + 1}" in output and "Traceback" not in output


def test_serve_on_a_port_another_paperdrop_holds_says_so(tmp_path):
    with ServerProcess(tmp_path / "one") as first:
        result = run_cli(tmp_path / "two", "serve", "--port", str(first.port), timeout=60)
    assert result.returncode == 3 and "another PaperDrop" in result.stderr.decode()


def test_a_mistyped_target_is_reported_until_removed_then_forgotten(tmp_path, fake_arxiv):
    home = tmp_path / "home"
    env = {"PAPERDROP_ARXIV_API_URL": fake_arxiv.url}
    wrong = f"bibtex:{tmp_path / 'no-such-folder' / 'refs.bib'}"
    run_cli(home, "import", "2403.12943", "--to", wrong, "--wait", env=env)
    listed = run_cli(home, "targets", env=env)
    assert listed.returncode == 1 and b"!! " + wrong.encode() in listed.stdout and b"[1 to do]" in listed.stdout
    removed = run_cli(home, "targets", "remove", wrong, env=env)
    assert removed.returncode == 0 and b"stopped 0 clips and 1 delivery" in removed.stdout
    after = run_cli(home, "targets", "--json", env=env)
    assert after.returncode == 0  # nothing is left to do there: not a reason to exit 1 forever
    entry = next(t for t in json.loads(after.stdout)["targets"] if t["spec"] == wrong)
    assert entry["needed"] is False and entry["open_work"] == 0
    status = json.loads(run_cli(home, "status", "--json", env=env).stdout)
    assert status["deliveries"]["failed"] == 1 and "was removed" in status["failed_deliveries"][0]["error"]


def test_targets_remove_takes_a_named_target_out_of_the_config_file_keeping_comments(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    config = home / "paperdrop.toml"
    config.write_text('# my settings\n[targets]\nthesis = "bibtex:/tmp/thesis.bib"  # the thesis\nml = "zotero:ML"\n')
    result = run_cli(home, "targets", "remove", "thesis")
    assert result.returncode == 0 and b"took 'thesis' out of paperdrop.toml" in result.stdout
    assert config.read_text() == '# my settings\n[targets]\nml = "zotero:ML"\n'


def test_service_unit_starts_paperdrop_serve_and_passes_systemd_analyze(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "PAPERDROP_HOME": str(tmp_path / "home")}
    result = CliRunner().invoke(main, ["service", "install", "--no-start"], env=env)
    assert result.exit_code == 0, result.output
    unit = tmp_path / "config" / "systemd" / "user" / "paperdrop.service"
    text = unit.read_text()
    exec_start = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    program = exec_start.removeprefix("ExecStart=").split()[0]
    assert Path(program).is_absolute() and Path(program).exists()
    assert exec_start.endswith("serve --port 7077") and f"Environment=PAPERDROP_HOME={tmp_path / 'home'}" in text
    assert "WantedBy=default.target" in text and "systemctl --user enable --now paperdrop.service" in result.output
    if shutil.which("systemd-analyze"):  # Debian's systemd: the unit as systemd itself reads it
        runtime = tmp_path / "run"
        runtime.mkdir()
        checked = subprocess.run(
            ["systemd-analyze", "verify", "--user", str(unit)],
            capture_output=True,
            text=True,
            env={"XDG_RUNTIME_DIR": str(runtime), "PATH": "/usr/bin:/bin"},
        )
        assert checked.returncode == 0, checked.stderr
    assert 'ExecStart="/opt/my apps/paperdrop" serve' in unit_text(["/opt/my apps/paperdrop", "serve"], {})


def test_messages_name_the_command_that_works_here(monkeypatch, tmp_path):
    script = tmp_path / "venv" / "bin" / "paperdrop"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(script), "token"])
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    invocation.program.cache_clear()
    assert invocation.command("token") == "./venv/bin/paperdrop token"  # not on the PATH: the path that works
    monkeypatch.setenv("PATH", f"{script.parent}:/usr/bin:/bin")
    invocation.program.cache_clear()
    assert invocation.command("token") == "paperdrop token"  # installed with pipx / uv tool: on the PATH
    invocation.program.cache_clear()


def test_zotero_fixes_name_the_setting_where_the_user_set_it(tmp_path):
    """A key set in paperdrop.toml is fixed there, one set in the environment there, an unset one in the file
    the README recommends (or the variable)."""
    from tests.fakes.zotero import FakeZotero

    home = tmp_path / "home"
    home.mkdir()
    config = home / "paperdrop.toml"
    with FakeZotero() as zotero:
        zotero.add_key("GOODKEY", user_id=123, write=True)
        env = {"PAPERDROP_ZOTERO_API_URL": zotero.url, "PAPERDROP_ZOTERO_LIBRARY_ID": "123"}

        def fix_of(**extra: str) -> str:
            result = run_cli(home, "targets", "--json", env={**env, **extra})
            (status,) = [t for t in json.loads(result.stdout)["targets"] if t["spec"].startswith("zotero:")]
            assert status["reachable"] is False
            return status["fix"]

        config.write_text('default_target = "zotero:Reading"\n')
        assert f"set zotero_api_key in {config} (or PAPERDROP_ZOTERO_API_KEY)" in fix_of()

        config.write_text('default_target = "zotero:Reading"\nzotero_api_key = "WRONGKEY"\n')
        assert fix_of().endswith(f"set zotero_api_key in {config}.")

        assert fix_of(PAPERDROP_ZOTERO_API_KEY="WRONGKEY").endswith("set PAPERDROP_ZOTERO_API_KEY.")
