"""One arXiv API query: the `arxiv` package's `Client` and `Search`, behind PaperDrop's gate, timeout,
User-Agent and short retry policy.

The package's `Client` paces per instance without a lock, retries even HTTP 400, ignores `Retry-After`, sets
no timeout and sends its own User-Agent (docs/reference.md, "`arxiv` package 4.0.x"). So it runs with
`delay_seconds=0, num_retries=0` on a `requests.Session` of ours: the one transport seam, where every request
passes the deployment's gate, gets our timeout and User-Agent, and where a throttle, an outage or a refused
query becomes PaperDrop's own error before the package sees the answer. Tenacity owns the short retries.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from typing import Any

import arxiv
import requests
from lxml import etree
from tenacity import RetryCallState, RetryError, Retrying, retry_if_exception_type, wait_exponential_jitter

from paperdrop.sync.arxiv.gate import Gate
from paperdrop.sync.errors import InputError, PermanentError, ThrottledError, TransientError

MAX_PAGE = 2000  # arXiv answers at most 2000 entries per request; more is HTTP 400
RATE_LIMIT_PAUSE = 15.0  # seconds, times the backoff base: a 429 without Retry-After
THROTTLE_ROUNDS = 8  # throttles waited in place in one query before the job reschedules it
ATOM = {"atom": "http://www.w3.org/2005/Atom"}


class _Retryable(Exception):
    """A transient failure of one attempt; `retry_after` in seconds when the server said so."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class _EmptyPage(_Retryable):
    """HTTP 200 with no entries where entries were expected: arXiv's flaky empty page, or a true miss."""


class _Throttled(Exception):
    """arXiv asked for patience: a 429 (its rate limit, usually without Retry-After) or a 503 with Retry-After.
    A wait, not a failure: it spends none of the short retries."""

    def __init__(self, status: int, seconds: float):
        super().__init__(f"arXiv answered HTTP {status}")
        self.status, self.seconds = status, seconds


class ArxivSession(requests.Session):
    """The HTTP under `arxiv.Client`: gate, timeout, User-Agent and status checks on every request.
    `requests_made` counts every request sent, retries included."""

    def __init__(self, gate: Gate, *, user_agent: str, timeout: float, rate_limit_pause: float):
        super().__init__()
        self.gate, self.user_agent, self.timeout = gate, user_agent, timeout
        self.rate_limit_pause = rate_limit_pause
        self.requests_made = 0

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if str(k).lower() != "user-agent"}
        kwargs["headers"] = {**headers, "User-Agent": self.user_agent}
        kwargs["timeout"] = self.timeout
        with self.gate.slot():
            self.requests_made += 1
            try:
                response = super().request(method, url, *args, **kwargs)
            except requests.Timeout as exc:
                raise _Retryable(f"arXiv did not answer within {self.timeout:g} s") from exc
            except requests.RequestException as exc:
                raise _Retryable(f"connection to arXiv failed: {exc.__class__.__name__}") from exc
        _check(response, self.rate_limit_pause)
        return response


def _check(resp: requests.Response, rate_limit_pause: float) -> None:
    status = resp.status_code
    if status == 429 or status >= 500:
        retry_after = _retry_after(resp.headers.get("Retry-After"))
        if status == 429 or retry_after is not None:
            raise _Throttled(status, retry_after if retry_after is not None else rate_limit_pause)
        raise _Retryable(f"arXiv answered HTTP {status}: {resp.text[:200].strip()}")  # an outage
    if status == 400:
        raise InputError(
            f"arXiv rejected the request (HTTP 400): {_error_text(resp)}",
            fix="Check the arXiv ids / query; malformed ids must be fixed, retrying will not help.",
        )
    if status != 200:
        raise PermanentError(f"arXiv answered HTTP {status}: {resp.text[:200].strip()}")


class ArxivClient:
    """Sends arXiv API queries. `requests_made` counts every HTTP request, retries included."""

    def __init__(
        self,
        api_url: str,
        gate: Gate,
        *,
        timeout: float = 30.0,
        user_agent: str,
        short_retries: int = 4,
        backoff_base: float = 1.0,
        max_wait: float = 60.0,
        throttle_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.short_retries = short_retries
        self.backoff_base = backoff_base
        self.max_wait = max_wait
        self.throttle_wait = throttle_wait
        self._sleep = sleep
        self.api_url = api_url
        # arXiv's 429 rarely says how long: pause as long as it has been seen to stall (docs/reference.md).
        pause = RATE_LIMIT_PAUSE * backoff_base
        self.session = ArxivSession(gate, user_agent=user_agent, timeout=timeout, rate_limit_pause=pause)

    @property
    def requests_made(self) -> int:
        return self.session.requests_made

    def query(
        self,
        *,
        search_query: str = "",
        id_list: list[str] | None = None,
        max_results: int,
        expect_results: bool,
        empty_attempts: int | None = None,
        attempts: int | None = None,
    ) -> list[arxiv.Result]:
        """The results of one query (one page). With `expect_results`, an empty page is asked again (up to
        `empty_attempts` times in all, default the whole short budget) before it is believed. A throttle is
        waited exactly as asked, up to `throttle_wait` at a time (THROTTLE_ROUNDS times at most), and spends no
        retry; a longer one raises ThrottledError for the job to schedule. `attempts` caps the tries in all
        (a person waiting on a web page): such a query waits no throttle, it says so at once."""
        search = arxiv.Search(query=search_query, id_list=list(id_list or []), max_results=min(max_results, MAX_PAGE))
        last = _Throttled(429, 0.0)
        for _ in range(THROTTLE_ROUNDS):
            try:
                return self._with_short_retries(search, expect_results, empty_attempts, attempts)
            except _Throttled as throttle:
                if throttle.seconds > self.throttle_wait or attempts is not None:
                    raise _throttled(throttle) from throttle
                self._sleep(throttle.seconds)
                last = throttle
        raise _throttled(last)

    def _with_short_retries(
        self, search: arxiv.Search, expect_results: bool, empty_attempts: int | None, attempts: int | None
    ) -> list[arxiv.Result]:
        try:
            for attempt in self._retrying(empty_attempts, attempts):
                with attempt:
                    return self._attempt(search, expect_results)
        except RetryError as exc:
            last = exc.last_attempt.exception()
            if isinstance(last, _EmptyPage):
                return []  # asked again and again: the ids/titles are really not there
            raise _transient(last) from last
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self.session.close()

    def _package_client(self, page_size: int) -> arxiv.Client:
        """A package client for one query (its page size is the query's `max_results`), on our session."""
        client = arxiv.Client(page_size=page_size, delay_seconds=0, num_retries=0)
        client.query_url_format = self.api_url + "?{}"  # a documented attribute: tests and mirrors use it
        client._session = self.session  # its HTTP goes through our seam (see above)
        return client

    def _attempt(self, search: arxiv.Search, expect_results: bool) -> list[arxiv.Result]:
        try:
            results = list(self._package_client(search.max_results or MAX_PAGE).results(search))
        except arxiv.UnexpectedEmptyPageError as exc:  # a later page came back empty: ask the whole query again
            raise _Retryable("arXiv sent an empty page") from exc
        if expect_results and not results:
            raise _EmptyPage("arXiv sent an empty page")
        return results

    def _retrying(self, empty_attempts: int | None, attempts: int | None = None) -> Retrying:
        budget = min(attempts, self.short_retries + 1) if attempts else self.short_retries + 1
        empties = [0]

        def stop(state: RetryCallState) -> bool:
            if state.outcome is not None and isinstance(state.outcome.exception(), _EmptyPage):
                empties[0] += 1
                if empty_attempts is not None and empties[0] >= empty_attempts:
                    return True
            return state.attempt_number >= budget

        backoff = wait_exponential_jitter(multiplier=self.backoff_base, max=self.max_wait, jitter=self.backoff_base)

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome is not None else None
            retry_after = getattr(exc, "retry_after", None)
            return float(retry_after) if retry_after is not None else float(backoff(state))

        return Retrying(stop=stop, wait=wait, retry=retry_if_exception_type(_Retryable), sleep=self._sleep)


def _throttled(throttle: _Throttled) -> ThrottledError:
    return ThrottledError(
        f"arXiv asked PaperDrop to wait {throttle.seconds:g} s (HTTP {throttle.status}).",
        retry_after=throttle.seconds,
        fix="Nothing to fix: PaperDrop asks again then, without counting it as a failed attempt.",
    )


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
        summary = root.findtext("atom:entry/atom:summary", namespaces=ATOM)
    except (etree.XMLSyntaxError, ValueError):
        summary = None
    return (summary or resp.text[:300]).strip() or "no details"
