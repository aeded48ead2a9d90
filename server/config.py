"""Settings: declared once as typed data, loaded once (defaults < config file < PAPERDROP_* environment).

Each field of `Settings` is one setting: its type, default, parser and help text live on the field, so the
environment variable, the config-file key, the README table (checked by a test) and the type checker all
read the same declaration.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from paperdrop.sync.errors import ConfigurationError
from paperdrop.sync.targets import TargetSpec, parse_target_spec

ENV_PREFIX = "PAPERDROP_"
CONFIG_FILE = "paperdrop.toml"


@dataclass(frozen=True)
class Setting:
    name: str  # attribute and config-file key; the variable is PAPERDROP_<NAME upper>
    default: Any  # a value, or a callable of the settings resolved so far (those declared above it)
    parse: Callable[[Any], Any]
    help: str
    secret: bool

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(v).strip() for v in items if str(v).strip()]


def _setting(default: Any, parse: Callable[[Any], Any] = str, help: str = "", secret: bool = False) -> Any:
    return field(metadata={"default": default, "parse": parse, "help": help, "secret": secret})


def _default_home(_: Mapping[str, Any]) -> str:
    return platformdirs.user_data_dir("paperdrop", appauthor=False)


@dataclass(frozen=True)
class Settings:
    """The loaded settings of one process. `targets` are the named targets of the config file, `origins`
    where each value came from (`default`, `file`, `environment` or `override`)."""

    home: str = _setting(_default_home, help="Data directory: database, job queue, token, default BibTeX file.")
    database_url: str = _setting(
        lambda s: f"sqlite:///{Path(s['home']) / 'paperdrop.db'}",
        help="SQLAlchemy URL of the store (SQLite in WAL mode by default; PostgreSQL works).",
    )
    redis_url: str | None = _setting(
        None,
        help="Redis URL for the job queue, the arXiv gate and the Zotero back-offs shared by every machine; "
        "unset keeps them in the data directory (the embedded SQLite queue, file locks).",
        secret=True,
    )
    default_target: str = _setting(
        lambda s: f"bibtex:{Path(s['home']) / 'papers.bib'}",
        help="Target used when a clip names none: zotero:<collection path> or bibtex:<file path>.",
    )
    arxiv_api_url: str = _setting("https://export.arxiv.org/api/query", help="arXiv API endpoint.")
    arxiv_delay: float = _setting(
        3.0, float, "Seconds between arXiv requests across all workers (arXiv terms of use: one request per 3 s)."
    )
    arxiv_timeout: float = _setting(30.0, float, "Timeout of one arXiv request, seconds.")
    arxiv_retry_base: float = _setting(
        1.0, float, "First wait of the short retries of one arXiv request, seconds (doubles, with jitter)."
    )
    zotero_api_url: str = _setting("https://api.zotero.org", help="Zotero Web API endpoint.")
    zotero_timeout: float = _setting(30.0, float, "Timeout of one Zotero request, seconds.")
    zotero_library_id: str | None = _setting(None, help="Zotero user or group library id (a number).")
    zotero_library_type: str = _setting("user", help="'user' or 'group'.")
    zotero_pdf: str = _setting(
        "stored",
        help="PDF of a Zotero item: 'stored' in the library (linked when storage is full), 'linked' or 'none'.",
    )
    zotero_tags: str = _setting("names", help="Zotero tags: the translator's subject 'names' or category 'codes'.")
    zotero_context_note: bool = _setting(
        True, _bool, "Add a Zotero note saying where the paper was found (digest, upvotes, links)."
    )
    arxiv_pdf_url: str = _setting(
        "https://arxiv.org/pdf/", help="Base of arXiv PDF URLs: the PDF of <id> version N is <base><id>vN."
    )
    crossref_api_url: str = _setting(
        "https://api.crossref.org", help="Crossref REST API, asked for the published version of a publisher DOI."
    )
    contact_email: str | None = _setting(
        None, help="Your e-mail address, sent to Crossref as mailto (its etiquette; the polite pool)."
    )
    zotero_api_key: str | None = _setting(
        None, help="Zotero API key with write access (zotero.org/settings/keys).", secret=True
    )
    token: str | None = _setting(
        None, help="Pairing token for the extension and the API; generated on first start.", secret=True
    )
    allowed_hosts: list[str] = _setting(
        ["localhost", "127.0.0.1", "[::1]", "::1"], _list, "Host names the server answers to (DNS rebinding)."
    )
    max_body_bytes: int = _setting(1_000_000, int, "Largest accepted request body.")
    retry_base: float = _setting(60.0, float, "First long-retry wait of a job, seconds; doubles per attempt.")
    retry_max: float = _setting(6 * 3600.0, float, "Longest long-retry wait, seconds.")
    max_attempts: int = _setting(10, int, "Attempts of a job before it is marked failed (throttles spend none).")
    throttle_wait: float = _setting(
        30.0,
        float,
        "Longest wait a service asks for (Retry-After, Backoff) that a job waits in place; longer ones "
        "become the next attempt time.",
    )
    sweep_interval: float = _setting(30.0, float, "Seconds between sweeps that re-enqueue due work.")
    lease_seconds: float = _setting(300.0, float, "How long a claimed job is owned before a sweep takes it back.")
    refresh_days: float = _setting(7.0, float, "Re-fetch delivered papers from arXiv after this many days.")
    paper_cache_hours: float = _setting(24.0, float, "Reuse a stored paper for this long without asking arXiv.")
    workers: int = _setting(2, int, "Job worker threads in one process.")
    bibtex_dirs: list[str] = _setting(
        lambda s: [s["home"], str(Path.home())],
        _list,
        "Directories where the API, the extension and the dashboard may name .bib files (the CLI may name any).",
    )
    bibtex_abstract: bool = _setting(False, _bool, "Write abstracts into BibTeX entries.")
    bibtex_keywords: bool = _setting(False, _bool, "Write arXiv categories as BibTeX keywords.")
    bibtex_note: str | None = _setting(None, help="Write the digest context as 'note' or 'addendum'.")
    bibtex_key_pattern: str = _setting("{author}{year}{word}", help="Citekey pattern.")

    targets: dict[str, str] = field(default_factory=dict)
    source: str | None = None  # the config file that was read, if any
    origins: dict[str, str] = field(default_factory=dict, compare=False)
    _specs: dict[str, TargetSpec] = field(default_factory=dict, compare=False, repr=False)

    @property
    def home_path(self) -> Path:
        return Path(self.home)

    def where(self, name: str) -> str:
        """Where the user changes a setting, in words: the variable, or the key in the config file it came from."""
        setting = SETTINGS_BY_NAME[name]
        origin = self.origins.get(name, "default")
        if origin == "file" and self.source:
            return f"{name} in {self.source}"
        if origin == "default":  # not set yet: the config file (the README's way) or the variable
            return f"{name} in {self.source or self.home_path / CONFIG_FILE} (or {setting.env})"
        return setting.env

    def resolve_target(self, name_or_spec: str | None) -> TargetSpec:
        """A target name from the config file, a spec string, or None for the default target."""
        value = name_or_spec or self.default_target
        value = self.targets.get(value, value)
        if value in self._specs:
            return self._specs[value]
        spec = parse_target_spec(value)  # resolves symlinks: file system calls, so done once per value
        if spec.kind != "bibtex" or Path(value.partition(":")[2]).expanduser().is_absolute():
            self._specs[value] = spec  # relative paths depend on the working directory: not cached
        return spec

    def public(self) -> dict[str, Any]:
        """Settings safe to show: secrets replaced by whether they are set."""
        return {s.name: (bool(getattr(self, s.name)) if s.secret else getattr(self, s.name)) for s in SETTINGS}


SETTINGS: tuple[Setting, ...] = tuple(
    Setting(f.name, f.metadata["default"], f.metadata["parse"], f.metadata["help"], f.metadata["secret"])
    for f in fields(Settings)
    if "parse" in f.metadata
)
SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Built-in defaults < paperdrop.toml (in the data directory, or PAPERDROP_CONFIG) < environment
    < `overrides` (tests and the app factory)."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    env_values = {s.name: _parse(s, environ[s.env], s.env) for s in SETTINGS if environ.get(s.env, "") != ""}
    config_path = config_file_path(overrides.get("home") or env_values.get("home"), environ)
    file_values: dict[str, Any] = {}
    targets: dict[str, str] = {}
    if config_path.is_file():
        file_values, targets = _read_config_file(config_path)
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for setting in SETTINGS:
        for origin, layer in (("override", overrides), ("environment", env_values), ("file", file_values)):
            if setting.name in layer:
                values[setting.name], origins[setting.name] = layer[setting.name], origin
                break
        else:
            default = setting.default
            values[setting.name] = default(values) if callable(default) else default
            origins[setting.name] = "default"
    _check(values)
    source = str(config_path) if config_path.is_file() else None
    return Settings(**values, targets=targets, source=source, origins=origins)


def config_file_path(home: str | None, environ: Mapping[str, str]) -> Path:
    if environ.get("PAPERDROP_CONFIG"):
        return Path(environ["PAPERDROP_CONFIG"])
    return Path(home or _default_home({})) / CONFIG_FILE


def _parse(setting: Setting, value: Any, where: str) -> Any:
    try:
        return setting.parse(value)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(
            f"{where} is {value!r}, which is not a valid value.",
            fix=f"{setting.help} Set a value like {setting.default!r}.",
        ) from exc


def _read_config_file(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(
            f"Cannot read config file {path}: {exc}", fix="Fix the TOML syntax or remove the file."
        ) from exc
    unknown = [k for k in data if k not in SETTINGS_BY_NAME and k != "targets"]
    if unknown:
        raise ConfigurationError(
            f"Unknown settings in {path}: {', '.join(sorted(unknown))}.",
            fix=f"Known settings: {', '.join(sorted(SETTINGS_BY_NAME))}.",
        )
    values = {k: _parse(SETTINGS_BY_NAME[k], v, f"{k} in {path}") for k, v in data.items() if k in SETTINGS_BY_NAME}
    targets = {str(k): str(v) for k, v in (data.get("targets") or {}).items()}
    return values, targets


def _check(values: dict[str, Any]) -> None:
    if values["zotero_library_type"] not in ("user", "group"):
        raise ConfigurationError(
            f"PAPERDROP_ZOTERO_LIBRARY_TYPE is {values['zotero_library_type']!r}.", fix="Use 'user' or 'group'."
        )
    for name, allowed in (("zotero_pdf", ("stored", "linked", "none")), ("zotero_tags", ("names", "codes"))):
        if values[name] not in allowed:
            raise ConfigurationError(
                f"PAPERDROP_{name.upper()} is {values[name]!r}.", fix=f"Use one of: {', '.join(allowed)}."
            )
    if values["arxiv_delay"] < 0:
        raise ConfigurationError("PAPERDROP_ARXIV_DELAY is negative.", fix="Use 3 (seconds) or more.")
