"""Jinja filters of the dashboard: dates, safe links, authors, Zotero item URLs, outcome words."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlsplit

from flask import Flask, current_app

from paperdrop.server.services.outcome import target_anchor

OUTCOME_WORDS = {
    "saving": "in progress",
    "retrying": "retrying",
    "saved": "saved",
    "already_there": "already there",
    "needs_review": "needs review",
    "needs_setup": "needs setup",
    "failed": "failed",
    "dismissed": "dismissed",
    "rejected": "rejected",
}


def day(value: datetime | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        return value[:10]
    return value.strftime("%Y-%m-%d")


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def safe_href(url: str | None) -> str | None:
    """The URL if it is a plain web link, else None: a clip's `javascript:` URL must never become a link."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def short_authors(authors: list[str] | None, limit: int = 3) -> str:
    authors = list(authors or [])
    text = ", ".join(authors[:limit])
    return f"{text} et al." if len(authors) > limit else text


def zotero_item_url(remote_key: str | None) -> str | None:
    """https://www.zotero.org/<users|groups>/<id>/items/<KEY> when the library id is configured."""
    settings = current_app.config["PAPERDROP_SETTINGS"]
    if not remote_key or not settings.zotero_library_id:
        return None
    kind = "groups" if settings.zotero_library_type == "group" else "users"
    return (
        f"https://www.zotero.org/{kind}/{quote(str(settings.zotero_library_id), safe='')}"
        f"/items/{quote(remote_key, safe='')}"
    )


def outcome_word(outcome: str) -> str:
    return OUTCOME_WORDS.get(outcome, outcome)


def init_app(app: Flask) -> None:
    for name, func in (
        ("day", day),
        ("when", when),
        ("safe_href", safe_href),
        ("short_authors", short_authors),
        ("zotero_item_url", zotero_item_url),
        ("outcome_word", outcome_word),
        ("target_anchor", target_anchor),
    ):
        app.jinja_env.filters[name] = func
