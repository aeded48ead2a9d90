"""Request bodies: JSON as the API accepts it, with every way a body can be unusable refused as a 400.

Python's json module takes what the JSON grammar does not (NaN, Infinity) and fails in ways that are not
JSONDecodeError (a 5,000-digit integer is a ValueError; nesting 1,000 deep is a RecursionError). None of those
is a server error: each is the caller's mistake, said in words.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from flask import request

from paperdrop.server.errors import ApiError

MAX_INT_DIGITS = 19  # anything longer cannot be an id, a page or a count here
MAX_DEPTH = 32  # the API's deepest document (papers -> paper -> extra -> value) is far shallower


def json_body() -> Any:
    if not request.is_json:
        raise ApiError(
            415, "unsupported_media_type", "Send the body as JSON.", ["Set 'Content-Type: application/json'."]
        )
    raw = request.get_data(cache=False)
    try:
        value = json.loads(raw, parse_constant=_no_constant, parse_int=_bounded_int, parse_float=_bounded_float)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, "malformed_json", f"The body is not valid JSON: {exc}.") from exc
    except RecursionError as exc:
        _too_deep(exc)
    except ValueError as exc:  # from the hooks below
        raise ApiError(400, "malformed_json", f"The body is not usable JSON: {exc}.") from exc
    if _depth(value) > MAX_DEPTH:
        _too_deep(None)
    return value


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number; send a finite number or null")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"the number {text[:20]}… has more than {MAX_INT_DIGITS} digits")
    return int(text)


def _bounded_float(text: str) -> float:
    number = float(text)
    if not abs(number) < 10**MAX_INT_DIGITS:
        raise ValueError(f"the number {text[:20]} is out of range (at most {MAX_INT_DIGITS} digits)")
    return number


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def _too_deep(cause: BaseException | None) -> NoReturn:
    raise ApiError(400, "malformed_json", f"The body is nested deeper than {MAX_DEPTH} levels.") from cause
