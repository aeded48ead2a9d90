"""Configuration: defaults < paperdrop.toml < environment; every setting is documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperdrop.server.config import SETTINGS, load_settings
from paperdrop.sync.errors import ConfigurationError

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_live_in_the_data_directory(tmp_path):
    settings = load_settings(environ={"PAPERDROP_HOME": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'paperdrop.db'}"
    assert settings.default_target == f"bibtex:{tmp_path / 'papers.bib'}"
    assert settings.arxiv_api_url == "https://export.arxiv.org/api/query"
    assert settings.zotero_api_url == "https://api.zotero.org"
    assert settings.arxiv_delay == 3.0 and settings.redis_url is None


def test_environment_beats_config_file_beats_defaults(tmp_path):
    (tmp_path / "paperdrop.toml").write_text(
        'arxiv_delay = 5\nzotero_library_id = "42"\n[targets]\nrobotics = "zotero:Reading/Robotics"\n'
    )
    settings = load_settings(environ={"PAPERDROP_HOME": str(tmp_path), "PAPERDROP_ARXIV_DELAY": "7"})
    assert settings.arxiv_delay == 7.0 and settings.zotero_library_id == "42"
    assert str(settings.resolve_target("robotics")) == "zotero:Reading/Robotics"


def test_config_path_from_environment(tmp_path):
    config = tmp_path / "elsewhere.toml"
    config.write_text('default_target = "zotero:Inbox"\n')
    settings = load_settings(environ={"PAPERDROP_HOME": str(tmp_path), "PAPERDROP_CONFIG": str(config)})
    assert str(settings.resolve_target(None)) == "zotero:Inbox"


@pytest.mark.parametrize(
    "content,words",
    [
        ("arxiv_delay = [", "TOML"),
        ("unknown_thing = 1\n", "unknown_thing"),
        ('zotero_library_type = "team"\n', "user"),
    ],
)
def test_bad_config_file_says_what_to_fix(tmp_path, content, words):
    (tmp_path / "paperdrop.toml").write_text(content)
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ={"PAPERDROP_HOME": str(tmp_path)})
    assert words in str(info.value)


def test_readme_documents_every_setting():
    text = README.read_text()
    missing = [s.env for s in SETTINGS if s.env not in text]
    assert missing == []
