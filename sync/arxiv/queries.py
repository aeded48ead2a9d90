"""Titles and abstracts turned into arXiv search clauses that cannot trip the query language's traps.

In a query an unquoted hyphen acts as NOT, a colon inside a term gives HTTP 400 and TeX or `$…$` math
matches nothing (docs/reference.md, "Traps in titles used as queries"): every clause here is built from
plain lower-case ASCII words and quoted, so none of those characters reach arXiv.
"""

from __future__ import annotations

import re

from unidecode import unidecode

from paperdrop.sync.records import TitleQuery
from paperdrop.sync.text import strip_tex

# Words that carry no identity; kept out of keyword clauses (phrases keep them: arXiv ignores nothing).
_STOPWORD_TEXT = """a an and are as at be by can do does during for from has have how in into is it its of on or
our that the their this to towards via we what when where which while who why with without you your"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Words in so many arXiv titles that they find nothing in particular: used in a fallback only when a title
# has too few others.
_GENERIC_TEXT = """learning model models network networks neural deep large language based using approach method
methods data efficient towards via new novel study analysis framework system systems training"""
GENERIC = frozenset(_GENERIC_TEXT.split())
ABSTRACT_PHRASE_WORDS = 8  # long enough to be unique on arXiv, short enough to survive small edits
TITLE_KEYWORDS = 6  # words of a title OR-ed in its fallback; relevance ranks papers sharing most of them first


def safe_words(text: str | None) -> list[str]:
    """Plain words of `text`: TeX and math stripped, ASCII, lower case, every punctuation mark a space."""
    plain = unidecode(strip_tex(text or "")).lower()
    return re.sub(r"[^a-z0-9]+", " ", plain).split()


def title_phrase(title: str) -> str | None:
    """`ti:"..."` for the whole title, or None when nothing searchable is left."""
    words = safe_words(title)
    return f'ti:"{" ".join(words)}"' if words else None


def fallback_clause(query: TitleQuery) -> str | None:
    """A looser search for a title the phrase search missed or left in doubt (the digest may show an
    earlier version's title, and arXiv indexes only the latest): a phrase from the abstract's start, and
    the title's most telling words, each in the title or the abstract (an earlier title's words mostly
    remain in one of them). Every term is one plain word or a quoted phrase: no query-language traps."""
    parts = []
    abstract = safe_words(query.abstract)
    if len(abstract) >= ABSTRACT_PHRASE_WORDS:
        parts.append(f'abs:"{" ".join(abstract[:ABSTRACT_PHRASE_WORDS])}"')
    for word in _keywords(query.title):
        parts += [f"ti:{word}", f"abs:{word}"]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def join_any(clauses: list[str]) -> str:
    return " OR ".join(clauses)


def _keywords(title: str) -> list[str]:
    words = [w for w in dict.fromkeys(safe_words(title)) if w not in STOPWORDS and len(w) > 2]
    # Specific words first, longest first: a crude but deterministic stand-in for "rarest".
    return sorted(words, key=lambda w: (w in GENERIC, -len(w), w))[:TITLE_KEYWORDS]
