"""Settings: declared once as data, loaded once (defaults < config file < PAPERDROP_* environment)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
from paperdrop.sync.errors import ConfigurationError
from paperdrop.sync.targets import TargetSpec, parse_target_spec

ENV_PREFIX = "PAPERDROP_"


@dataclass(frozen=True)
class Setting:
    name: str  # attribute and config-file key; the variable is PAPERDROP_<NAME upper>
    default: Any  # a value, or a callable of the partly built settings dict
    parse: Callable[[str], Any] = str
    help: str = ""
    secret: bool = False

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


def _bool(value: str) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _list(value: str | list) -> list[str]:
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(v).strip() for v in items if str(v).strip()]


# The one table of settings. DESIGN.md "Configuration" lists the public ones; tests check that the README
# documents every entry.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "home",
        lambda s: platformdirs.user_data_dir("paperdrop", appauthor=False),
        str,
        "Data directory: database, job queue, token, default BibTeX file, caches.",
    ),
    Setting(
        "database_url",
        lambda s: f"sqlite:///{Path(s['home']) / 'paperdrop.db'}",
        str,
        "SQLAlchemy URL of the store (SQLite in WAL mode by default; PostgreSQL works).",
    ),
    Setting("redis_url", None, str, "Redis URL for the job queue; unset uses the embedded SQLite queue.", secret=True),
    Setting(
        "default_target",
        lambda s: f"bibtex:{Path(s['home']) / 'papers.bib'}",
        str,
        "Target used when a clip names none: zotero:<collection path> or bibtex:<file path>.",
    ),
    Setting("arxiv_api_url", "https://export.arxiv.org/api/query", str, "arXiv API endpoint."),
    Setting(
        "arxiv_delay",
        3.0,
        float,
        "Seconds between arXiv requests across all workers (arXiv terms of use: one request per 3 s).",
    ),
    Setting("arxiv_timeout", 30.0, float, "Timeout of one arXiv request, seconds."),
    Setting(
        "arxiv_retry_base",
        1.0,
        float,
        "First wait of the short retries of one arXiv request, seconds (doubles, with jitter).",
    ),
    Setting("zotero_api_url", "https://api.zotero.org", str, "Zotero Web API endpoint."),
    Setting("zotero_timeout", 30.0, float, "Timeout of one Zotero request, seconds."),
    Setting("zotero_library_id", None, str, "Zotero user or group library id (a number)."),
    Setting("zotero_library_type", "user", str, "'user' or 'group'."),
    Setting("zotero_api_key", None, str, "Zotero API key with write access (zotero.org/settings/keys).", secret=True),
    Setting("token", None, str, "Pairing token for the extension and the API; generated on first start.", secret=True),
    Setting(
        "allowed_hosts",
        ["localhost", "127.0.0.1", "[::1]", "::1"],
        _list,
        "Host names the server answers to (DNS-rebinding protection).",
    ),
    Setting("max_body_bytes", 1_000_000, int, "Largest accepted request body."),
    Setting("retry_base", 60.0, float, "First long-retry wait of a job, seconds; doubles per attempt."),
    Setting("retry_max", 6 * 3600.0, float, "Longest long-retry wait, seconds."),
    Setting("max_attempts", 10, int, "Attempts of a job before it is marked failed."),
    Setting("sweep_interval", 30.0, float, "Seconds between sweeps that re-enqueue due work."),
    Setting("lease_seconds", 300.0, float, "How long a claimed job is owned before a sweep takes it back."),
    Setting("refresh_days", 7.0, float, "Re-fetch delivered papers from arXiv after this many days."),
    Setting("paper_cache_hours", 24.0, float, "Reuse a stored paper for this long without asking arXiv."),
    Setting("workers", 2, int, "Job worker threads in one process."),
    Setting("bibtex_abstract", False, _bool, "Write abstracts into BibTeX entries."),
    Setting("bibtex_keywords", False, _bool, "Write arXiv categories as BibTeX keywords."),
    Setting("bibtex_note", None, str, "Write the digest context as 'note' or 'addendum' (unset: neither)."),
    Setting("bibtex_key_pattern", "{author}{year}{word}", str, "Citekey pattern."),
)


@dataclass
class Settings:
    values: dict[str, Any]
    targets: dict[str, str] = field(default_factory=dict)  # named targets from the config file
    source: str | None = None  # the config file that was read, if any

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def home_path(self) -> Path:
        return Path(self.values["home"])

    def resolve_target(self, name_or_spec: str | None) -> TargetSpec:
        """A target name from the config file, a spec string, or None for the default target."""
        value = name_or_spec or self.values["default_target"]
        value = self.targets.get(value, value)
        cache = self.__dict__.setdefault("_specs", {})
        if value not in cache:
            spec = parse_target_spec(value)  # resolves symlinks: file system calls, so done once per value
            if spec.kind == "zotero" or Path(value.partition(":")[2]).expanduser().is_absolute():
                cache[value] = spec  # relative paths depend on the working directory: not cached
            return spec
        return cache[value]

    def public(self) -> dict[str, Any]:
        """Settings safe to show: secrets replaced by whether they are set."""
        secret = {s.name for s in SETTINGS if s.secret}
        return {k: (bool(v) if k in secret else v) for k, v in self.values.items()}


def load_settings(overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Built-in defaults < paperdrop.toml (in the data directory, or PAPERDROP_CONFIG) < environment
    < `overrides` (tests and the app factory)."""
    environ = os.environ if environ is None else environ
    overrides = overrides or {}
    env_values = {s.name: s.parse(environ[s.env]) for s in SETTINGS if environ.get(s.env, "") != ""}
    home = overrides.get("home") or env_values.get("home")
    config_path = Path(environ.get("PAPERDROP_CONFIG", "")) if environ.get("PAPERDROP_CONFIG") else None
    file_values, targets = {}, {}
    if config_path is None and home:
        config_path = Path(home) / "paperdrop.toml"
    if config_path is None:
        config_path = Path(platformdirs.user_data_dir("paperdrop", appauthor=False)) / "paperdrop.toml"
    if config_path.is_file():
        file_values, targets = _read_config_file(config_path)
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        for layer in (overrides, env_values, file_values):
            if setting.name in layer:
                values[setting.name] = layer[setting.name]
                break
        else:
            default = setting.default
            values[setting.name] = default(values) if callable(default) else default
    _check(values)
    return Settings(values, targets, str(config_path) if config_path.is_file() else None)


def _read_config_file(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(
            f"Cannot read config file {path}: {exc}", fix="Fix the TOML syntax or remove the file."
        ) from exc
    known = {s.name: s for s in SETTINGS}
    unknown = [k for k in data if k not in known and k != "targets"]
    if unknown:
        raise ConfigurationError(
            f"Unknown settings in {path}: {', '.join(sorted(unknown))}.",
            fix=f"Known settings: {', '.join(sorted(known))}.",
        )
    values = {
        k: (known[k].parse(v) if isinstance(v, str) and known[k].parse is not str else v)
        for k, v in data.items()
        if k in known
    }
    targets = {str(k): str(v) for k, v in (data.get("targets") or {}).items()}
    return values, targets


def _check(values: dict[str, Any]) -> None:
    if values["zotero_library_type"] not in ("user", "group"):
        raise ConfigurationError(
            f"PAPERDROP_ZOTERO_LIBRARY_TYPE is {values['zotero_library_type']!r}.", fix="Use 'user' or 'group'."
        )
    if values["arxiv_delay"] < 0:
        raise ConfigurationError("PAPERDROP_ARXIV_DELAY is negative.", fix="Use 3 (seconds) or more.")
