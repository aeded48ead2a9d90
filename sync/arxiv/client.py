"""One arXiv API call: through the gate, with a timeout, a User-Agent and the short retry policy, parsed by
the `arxiv` package's Atom parser.

The `arxiv` package's own `Client` paces per instance without a lock, retries even HTTP 400, ignores
`Retry-After` and sets no timeout (shared/REFERENCE.md, "`arxiv` package 4.0.x"), so HTTP is driven here and
only its parser and `Result` data model are used. Failures leave this module as `sync.errors` classes.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import arxiv
import requests
from arxiv import _feed  # the package's namespace-aware Atom parser; pinned arxiv>=4.0,<5
from lxml import etree
from tenacity import RetryError, Retrying, retry_if_exception_type, wait_exponential_jitter

from paperdrop.sync.arxiv.gate import ArxivGate
from paperdrop.sync.errors import InputError, PermanentError, TransientError

MAX_PAGE = 2000  # arXiv answers at most 2000 entries per request; more is HTTP 400


@dataclass
class FeedPage:
    results: list[arxiv.Result] = field(default_factory=list)
    total_results: int = 0


class _Retryable(Exception):
    """A transient failure of one attempt; `retry_after` in seconds when the server said so."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class _EmptyPage(_Retryable):
    """HTTP 200 with no entries where entries were expected: arXiv's flaky empty page, or a true miss."""


class ArxivClient:
    """Sends arXiv API requests. `requests_made` counts every HTTP request, retries included."""

    def __init__(
        self,
        api_url: str,
        gate: ArxivGate,
        *,
        timeout: float = 30.0,
        user_agent: str,
        short_retries: int = 4,
        backoff_base: float = 1.0,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.api_url = api_url
        self.gate = gate
        self.timeout = timeout
        self.short_retries = short_retries
        self.backoff_base = backoff_base
        self.max_wait = max_wait
        self.requests_made = 0
        self._sleep = sleep
        self._session = requests.Session()
        self._session.headers["User-Agent"] = user_agent

    def query(
        self,
        *,
        search_query: str = "",
        id_list: list[str] | None = None,
        max_results: int,
        expect_results: bool,
        empty_attempts: int | None = None,
    ) -> FeedPage:
        """One page (start=0). With `expect_results`, an empty page is asked again (up to `empty_attempts`
        times in all, default the whole short budget) before it is believed."""
        params = {
            "search_query": search_query,
            "id_list": ",".join(id_list or []),
            "start": "0",
            "max_results": str(min(max_results, MAX_PAGE)),
        }
        try:
            for attempt in self._retrying(empty_attempts):
                with attempt:
                    return self._attempt(params, expect_results)
        except RetryError as exc:
            last = exc.last_attempt.exception()
            if isinstance(last, _EmptyPage):
                return FeedPage()  # asked again and again: the ids/titles are really not there
            raise _transient(last) from last
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self._session.close()

    def _retrying(self, empty_attempts: int | None) -> Retrying:
        empties = [0]

        def stop(state) -> bool:
            if isinstance(state.outcome.exception(), _EmptyPage):
                empties[0] += 1
                if empty_attempts is not None and empties[0] >= empty_attempts:
                    return True
            return state.attempt_number >= self.short_retries + 1

        backoff = wait_exponential_jitter(multiplier=self.backoff_base, max=self.max_wait, jitter=self.backoff_base)

        def wait(state) -> float:
            exc = state.outcome.exception()
            if getattr(exc, "retry_after", None) is not None:
                return exc.retry_after
            return backoff(state)

        return Retrying(
            stop=stop,
            wait=wait,
            retry=retry_if_exception_type(_Retryable),
            sleep=self._sleep,
        )

    def _attempt(self, params: dict[str, str], expect_results: bool) -> FeedPage:
        with self.gate.slot():
            self.requests_made += 1
            try:
                resp = self._session.post(self.api_url, data=params, timeout=self.timeout)
            except requests.Timeout as exc:
                raise _Retryable(f"arXiv did not answer within {self.timeout} s") from exc
            except requests.RequestException as exc:
                raise _Retryable(f"connection to arXiv failed: {exc.__class__.__name__}") from exc
        return self._check(resp, expect_results)

    def _check(self, resp: requests.Response, expect_results: bool) -> FeedPage:
        status = resp.status_code
        if status == 429 or status >= 500:
            retry_after = _retry_after(resp.headers.get("Retry-After"))
            if retry_after is not None and retry_after > self.max_wait:
                # Longer than a short retry should block: hand over to the job's long retry.
                raise TransientError(f"arXiv answered HTTP {status}.", retry_after=retry_after)
            raise _Retryable(f"arXiv answered HTTP {status}: {resp.text[:200].strip()}", retry_after)
        if status == 400:
            raise InputError(
                f"arXiv rejected the request (HTTP 400): {_error_text(resp)}",
                fix="Check the arXiv ids / query; malformed ids must be fixed, retrying will not help.",
            )
        if status != 200:
            raise PermanentError(f"arXiv answered HTTP {status}: {resp.text[:200].strip()}")
        feed = _feed.parse(resp.content)
        if feed.malformed:
            raise _Retryable(f"arXiv sent an unreadable feed: {feed.error}")
        if expect_results and not feed.results:
            raise _EmptyPage("arXiv sent an empty page")
        return FeedPage(feed.results, feed.header.total_results)


def _transient(exc: BaseException | None) -> TransientError:
    if isinstance(exc, TransientError):
        return exc
    retry_after = getattr(exc, "retry_after", None)
    return TransientError(
        f"arXiv is not answering properly ({exc}); the short retries are spent.",
        retry_after=retry_after,
        fix="Nothing to fix: the job is retried later.",
    )


def _retry_after(value: str | None) -> float | None:
    """`Retry-After` is either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _error_text(resp: requests.Response) -> str:
    """arXiv's 400 answers are an Atom feed whose one entry's summary says what was wrong."""
    try:
        root = etree.fromstring(resp.content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        summary = root.findtext("atom:entry/atom:summary", namespaces=_feed._NS)
    except (etree.XMLSyntaxError, ValueError):
        summary = None
    return (summary or resp.text[:300]).strip() or "no details"
