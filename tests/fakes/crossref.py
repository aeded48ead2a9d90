"""A fake of Crossref's REST API on 127.0.0.1: `GET /works/<doi>` answers as api.crossref.org does.

`{"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": {...}}` for a known DOI (the
records of tests/data/crossref/works.json, or any added with `add`), HTTP 404 "Resource not found." for an
unknown one; DOIs are matched case-insensitively, url-encoded or not. Faults queued with `inject()`: "429" and
"503" (with `Retry-After: 1`), "outage" (503 without it), "drop". Every request is logged with its `mailto`
parameter and User-Agent.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, unquote, urlsplit

WORKS_PATH = Path(__file__).resolve().parent.parent / "data" / "crossref" / "works.json"


def load_works(path: Path = WORKS_PATH) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["works"]


@dataclass
class CrossrefRequest:
    doi: str
    mailto: str | None
    user_agent: str | None
    status: int | None = None


class FakeCrossref:
    def __init__(self, works: list[dict[str, Any]] | None = None):
        self.works = {w["DOI"].lower(): w for w in (load_works() if works is None else works)}
        self.requests: list[CrossrefRequest] = []
        self.faults: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> Self:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def add(self, work: dict[str, Any]) -> None:
        self.works[work["DOI"].lower()] = work

    def inject(self, *faults: str) -> None:
        with self._lock:
            self.faults.extend(faults)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeCrossref
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        doi = unquote(url.path.removeprefix("/works/")) if url.path.startswith("/works/") else ""
        request = CrossrefRequest(doi, query.get("mailto"), self.headers.get("User-Agent"))
        with self.fake._lock:
            self.fake.requests.append(request)
            fault = self.fake.faults.pop(0) if self.fake.faults else None
        if fault == "drop":
            self.close_connection = True
            return
        if fault in ("429", "503", "outage"):
            hint = {} if fault == "outage" else {"Retry-After": "1"}
            request.status = self._send(429 if fault == "429" else 503, "Too many requests", hint)
            return
        work = self.fake.works.get(doi.lower()) if doi else None
        if work is None:
            request.status = self._send(404, "Resource not found.", {})
            return
        answer = {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": work}
        request.status = self._send(200, answer, {})

    def _send(self, status: int, payload: object, headers: dict[str, str]) -> int:
        if isinstance(payload, dict):
            body, ctype = json.dumps(payload).encode(), "application/json;charset=utf-8"
        else:
            body, ctype = str(payload).encode(), "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        return status
