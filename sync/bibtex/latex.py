"""TeX-safe field text: titles keep their TeX, capitals are brace-protected, stray specials are escaped.

docs/design.md "Formats": titles keep their TeX; capitals and acronyms are protected word by word with braces;
special characters are escaped so the file always parses. BibTeX counts every brace (escaped or not) when it
reads a braced value, so an unbalanced brace cannot be escaped with a backslash: it is spelled as a command.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# `$$...$$` or `$...$`, not preceded by a backslash (`\$` is a literal dollar).
_MATH = re.compile(r"(?<!\\)\$\$.+?(?<!\\)\$\$|(?<!\\)\$.+?(?<!\\)\$", re.DOTALL)
_LONE_DOLLAR = re.compile(r"(?<!\\)\$")
# `& % #` are unsafe anywhere (column separator, comment, macro parameter); `_` only outside math.
_SPECIAL_TEXT = re.compile(r"(?<!\\)([&%#_])")
_SPECIAL_MATH = re.compile(r"(?<!\\)([&%#])")
# Punctuation that stays outside the protecting braces of a word: `{Vid2Robot}:`, `({LLM})`.
_WORD = re.compile(r"^([\"'(\[-]*)(.*?)([\"'),.:;!?\]]*)$", re.DOTALL)
# Brace commands without a brace character in them: math mode needs \lbrace, text mode \textbraceleft.
_BRACE_COMMANDS = {
    ("{", True): "lbrace", ("}", True): "rbrace", ("{", False): "textbraceleft", ("}", False): "textbraceright",
}  # fmt: skip


def tex_title(title: str) -> str:
    """The title as a BibTeX value: TeX and math kept, words with capitals wrapped in braces, specials escaped."""
    return balance_braces(_map_segments(_collapse(title), _protect_text, _protect_math))


def tex_text(text: str) -> str:
    """Free text (abstract, note) as a BibTeX value: TeX kept, specials escaped, no case protection."""
    return balance_braces(_map_segments(_collapse(text), _escape_text, _escape_math))


def verbatim(value: str) -> str:
    """URLs, DOIs, ids: written as they are, except braces, which would break the entry (percent-encoded)."""
    return _collapse(value).replace("{", "%7B").replace("}", "%7D")


def balance_braces(text: str) -> str:
    """Replace braces without a partner by brace commands, which contain no brace character themselves."""
    unmatched: set[int] = set()
    opened: list[int] = []
    for index, char in enumerate(text):
        if char == "{":
            opened.append(index)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                unmatched.add(index)
    unmatched.update(opened)
    if not unmatched:
        return text
    math_spans = [m.span() for m in _MATH.finditer(text)]
    pieces = []
    for index, char in enumerate(text):
        if index not in unmatched:
            pieces.append(char)
            continue
        in_math = any(start <= index < end for start, end in math_spans)
        pieces.append(_brace_command(char, in_math, text, index))
    return "".join(pieces)


def _brace_command(char: str, in_math: bool, text: str, index: int) -> str:
    escaped = index > 0 and text[index - 1] == "\\"
    name = _BRACE_COMMANDS[(char, in_math)]
    # `\{` becomes `\lbrace`: the backslash is already there. `{}` ends the command name without a space.
    return (name if escaped else "\\" + name) + "{}"


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _map_segments(text: str, on_text: Callable[[str], str], on_math: Callable[[str], str]) -> str:
    """Apply `on_text` to the text between math spans and `on_math` to each `$...$` span."""
    out, pos = [], 0
    for match in _MATH.finditer(text):
        out.append(on_text(text[pos : match.start()]))
        out.append(on_math(match.group(0)))
        pos = match.end()
    out.append(on_text(text[pos:]))
    return "".join(out)


def _escape_text(text: str) -> str:
    # A `$` left over after pairing math spans is a literal dollar ("under $5").
    return _LONE_DOLLAR.sub(r"\\$", _SPECIAL_TEXT.sub(r"\\\1", text))


def _escape_math(math: str) -> str:
    return _SPECIAL_MATH.sub(r"\\\1", math)


def _protect_math(math: str) -> str:
    """`$O(N)$` would be lower-cased by sentence-casing styles: brace the span, leave its content alone."""
    escaped = _escape_math(math)
    return "{" + escaped + "}" if re.search(r"[A-Z]", math) else escaped


def _protect_text(text: str) -> str:
    return "".join(_protect_word(part) for part in re.split(r"(\s+)", text))


def _protect_word(word: str) -> str:
    if not word or word.isspace():
        return word
    if "\\" in word or "{" in word or "}" in word:
        return _escape_text(word)  # hand-written TeX: leave its grouping alone
    match = _WORD.match(word)
    if match is None:  # pragma: no cover - the pattern matches every string
        return _escape_text(word)
    lead, core, trail = match.groups()
    if not any(char.isupper() for char in core):
        return _escape_text(word)
    return _escape_text(lead) + "{" + _escape_text(core) + "}" + _escape_text(trail)
