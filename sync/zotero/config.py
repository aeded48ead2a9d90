"""Zotero connection settings handed in by the server (sync/ reads no environment variables)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from paperdrop.sync.errors import ConfigurationError

DEFAULT_API_URL = "https://api.zotero.org"
KEYS_PAGE = "https://www.zotero.org/settings/keys"


@dataclass(frozen=True)
class ZoteroConfig:
    """Which library to write to and with which key. `library_type` is `user` or `group`."""

    library_id: str | None
    library_type: str = "user"
    api_key: str | None = field(default=None, repr=False)  # a secret: never shown in repr or messages
    api_url: str = DEFAULT_API_URL
    # Where the user changes each setting, in words ("zotero_api_key in ~/.local/share/paperdrop/paperdrop.toml"),
    # for fix texts; a setting not named here is PAPERDROP_<NAME>.
    where: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def label(self) -> str:
        return f"Zotero {self.library_type} library {self.library_id}"

    def setting(self, name: str) -> str:
        """How a fix text names setting `name` (zotero_api_key, zotero_library_id, …)."""
        return self.where.get(name) or f"PAPERDROP_{name.upper()}"

    def validate(self) -> None:
        """Raise `ConfigurationError` naming the missing or malformed setting."""
        if self.library_type not in ("user", "group"):
            raise ConfigurationError(
                f"Zotero library type {self.library_type!r} is not 'user' or 'group'.",
                fix=f"Set {self.setting('zotero_library_type')} to user or group.",
            )
        if not self.library_id or not str(self.library_id).isdigit():
            raise ConfigurationError(
                "No Zotero library id is configured."
                if not self.library_id
                else f"Zotero library id {self.library_id!r} is not a number.",
                fix=f"Set {self.setting('zotero_library_id')} to your userID from {KEYS_PAGE} "
                "(or the group's number from its URL).",
            )
        if not self.api_key:
            raise ConfigurationError(
                "No Zotero API key is configured.",
                fix=f"Create a key with write access at {KEYS_PAGE} and set {self.setting('zotero_api_key')}.",
            )


PDF_MODES = ("stored", "linked", "none")
TAG_STYLES = ("names", "codes")


@dataclass(frozen=True)
class ZoteroOptions:
    """How items are made. `pdf`: `stored` uploads the PDF into the library (a linked URL when storage is full
    or the key may not upload files), `linked` links arXiv's PDF, `none` adds no attachment. `tags`: the
    translator's subject names or the arXiv category codes. `context_note`: add the note saying where the
    paper was found."""

    pdf: Literal["stored", "linked", "none"] = "stored"
    tags: Literal["names", "codes"] = "names"
    context_note: bool = True

    def __post_init__(self) -> None:
        if self.pdf not in PDF_MODES:
            raise ConfigurationError(
                f"PDF mode {self.pdf!r} is unknown.", fix="Set PAPERDROP_ZOTERO_PDF to stored, linked or none."
            )
        if self.tags not in TAG_STYLES:
            raise ConfigurationError(
                f"Tag style {self.tags!r} is unknown.", fix="Set PAPERDROP_ZOTERO_TAGS to names or codes."
            )
