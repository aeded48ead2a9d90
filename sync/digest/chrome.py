"""Page chrome in a digest's text: navigation, counters, dates, buttons and lone words, which are not papers.

A page saved or copied as text keeps its navigation ("Daily Papers", "Previous"), counters (upvotes,
"· 7 authors", comment counts), its date line and, from text browsers, link and button markers ("[31]",
"[ - ]"). These lines are dropped before titles and abstracts are looked for; a full date among them is
the digest's date, which is evidence about when its papers appeared.
"""

from __future__ import annotations

import re
from datetime import date

_MARKERS = re.compile(r"\[\s*[0-9]+\s*\]|\[\s*[-+x*]?\s*\]|\[(?:pdf|html|other|ps|src)(?:,\s*\w+)*\]", re.I)
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_MONTH_NAMES = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"^(?:(?:published|submitted|updated|announced)(?: on)?\s+)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    rf"(?:(?P<m1>{_MONTH_NAMES})\s+(?P<d1>[0-9]{{1,2}})(?:st|nd|rd|th)?|(?P<d2>[0-9]{{1,2}})\s+(?P<m2>{_MONTH_NAMES}))"
    rf"(?:,?\s+(?P<y>[0-9]{{4}}))?$|^(?P<iso>[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})$",
    re.I,
)
_CHROME = re.compile(
    r"^(?:new|subscribe|daily papers|daily|weekly|monthly|trending|papers|previous|next|upvote.*|"
    r"[0-9]{1,6}|[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+(?:\.[0-9])?\s*k|"
    r"get trending papers.*|by\s*ak and the research community|submitted by.*|search any paper.*|"
    r"join the community.*|hugging face|models|datasets|spaces|posts|docs|enterprise|pricing|log ?in|sign ?up|"
    r"collections?|community|view (?:arxiv page|pdf|paper)|add to collection|"
    r"[·•|]?\s*[0-9]+\s+(?:authors?|comments?|upvotes?|likes?|models?|datasets?|spaces?|collections?)|"
    r"system theme|terms of service|privacy policy|"
    # One word alone is never a paper: a user name ("Submitted by" / "akhaliq"), a menu item, a counter.
    r"[\w-]+|[\W_]*)$",
    re.IGNORECASE,
)


def clean_line(line: str) -> str:
    """The line without text-browser link and button markers, white space collapsed."""
    return " ".join(_MARKERS.sub(" ", line).split())


def is_chrome(line: str) -> bool:
    """Navigation, a counter, a button or a date: `line` as `clean_line` gives it."""
    return bool(_CHROME.match(line) or _DATE.match(line))


def full_date(line: str) -> date | None:
    """The date a chrome line states with its year ("Jun 29, 2024", "2024-06-29"), else None."""
    match = _DATE.match(line)
    if match is None:
        return None
    try:
        if match.group("iso"):
            return date.fromisoformat(match.group("iso"))
        if not match.group("y"):
            return None
        month = (match.group("m1") or match.group("m2"))[:3].lower()
        day = int(match.group("d1") or match.group("d2"))
        return date(int(match.group("y")), _MONTHS.split("|").index(month) + 1, day)
    except ValueError:
        return None
