"""The OpenAPI document works as published and says the truth: schemathesis, with every check it has
(server errors, status codes, response schemas, schema-valid requests taken, schema-violating ones refused,
auth, unsupported methods, stateful links), against a live `paperdrop serve`. Bounded and seeded: a few minutes,
the same cases every run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server import ServerProcess

SEED = 20261201
EXAMPLES = 20  # per operation and phase
CONFIG = Path(__file__).with_name("schemathesis.toml")  # what one operation may answer, and why


@pytest.mark.timeout(900)
def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(tmp_path, fake_arxiv):
    env = {"PAPERDROP_ARXIV_API_URL": fake_arxiv.url}
    with ServerProcess(tmp_path / "home", env=env) as server:
        schemathesis = Path(sys.executable).with_name("schemathesis")
        result = subprocess.run(
            [
                str(schemathesis), "--no-color", "--config-file", str(CONFIG),
                "run", f"{server.url}/api/v1/openapi.json",
                "--checks", "all",
                "--seed", str(SEED),
                "--max-examples", str(EXAMPLES),
                "--workers", "1",
                "--request-timeout", "30",
                "--header", f"Authorization: Bearer {server.token}",
                "--output-truncate", "true",
                # Hypothesis' timing health check: how fast cases are made on a busy 2-core machine, not
                # anything about the server; the seeded cases are the same either way.
                "--suppress-health-check", "too_slow",
                # No example database: one saved by an earlier run (of another version of the document) is
                # replayed first and can fail a health check; every run makes the same seeded cases.
                "--generation-database", "none",
            ],
            capture_output=True,
            text=True,
            timeout=840,
        )  # fmt: skip
        log = server.log()
    report = result.stdout[-20_000:] + result.stderr[-5_000:]
    assert result.returncode == 0, report
    assert "Traceback" not in log, log[-5_000:]
