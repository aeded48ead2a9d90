"""A fake arXiv API (`/api/query`) on 127.0.0.1 that behaves as docs/reference.md says.

Real HTTP (GET and POST form) in a thread; Atom with arXiv's namespaces; the query language (fields, AND /
OR / ANDNOT, parentheses, quoted phrases, crude stemming, relevance order) and its traps (unquoted hyphen is
NOT, a colon inside a term and malformed ids give HTTP 400 with an error feed, `max_results` defaults to 10
and truncates `id_list`, > 2000 is 400); 429 when requests come faster than `min_interval`; injectable
faults ("503", "429", ("429", seconds), "empty", "drop", "stall") queued with `inject()` or drawn at a
seeded random `fault_rate`; every request logged in `requests`.
"""

from __future__ import annotations

import json
import math
import random
import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

CORPUS_PATH = Path(__file__).resolve().parent.parent / "data" / "arxiv_corpus.json"
FIELDS = ("ti", "au", "abs", "co", "jr", "cat", "rn", "id", "all")
ID_RE = re.compile(r"^(\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?$")
RANDOM_FAULTS = ("503", "429", ("429", 1), "empty", "drop")


def load_corpus(path: Path | str | None = None) -> list[dict[str, Any]]:
    """The papers of tests/data/arxiv_corpus.json (or `path`)."""
    return json.loads(Path(path or CORPUS_PATH).read_text(encoding="utf-8"))["papers"]


# ---------------------------------------------------------------- text and the query language


def stem(word: str) -> str:
    """A crude stemmer: enough to show that phrases are not exact (policies ~ policy, learning ~ learned)."""
    for suffix, repl, min_len in (("ies", "y", 5), ("sses", "ss", 5), ("ing", "", 6), ("ed", "", 5), ("s", "", 4)):
        if word.endswith(suffix) and len(word) >= min_len and not word.endswith("ss"):
            return word[: len(word) - len(suffix)] + repl
    return word


def tokens(text: str) -> list[str]:
    return [stem(w) for w in re.findall(r"[a-z0-9]+", (text or "").lower().replace("\\", " "))]


class QueryError(ValueError):
    pass


_TOKEN_RE = re.compile(r'\s*(?:(?P<paren>[()])|"(?P<phrase>[^"]*)"|(?P<bare>[^\s()"]+))')


def parse_query(text: str) -> Any:
    """Parse into nested tuples: ("op", left, right) | ("term", field, [stems], is_phrase)."""
    items, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if not match or match.end() == pos:
            raise QueryError(f"cannot parse query near {text[pos : pos + 20]!r}")
        pos = match.end()
        items.append(match.groupdict())
    node, rest = _parse_expr(items)
    if rest:
        raise QueryError("unbalanced parentheses")
    return node


def _parse_expr(items: list[dict]) -> tuple[Any, list[dict]]:
    left, items = _parse_term(items)
    while items and items[0]["paren"] != ")":
        op = items[0]["bare"] if items[0]["bare"] in ("AND", "OR", "ANDNOT") else None
        right, items = _parse_term(items[1:] if op else items)
        left = (op or "OR", left, right)  # juxtaposition is OR, as in Lucene
    return left, items


def _parse_term(items: list[dict]) -> tuple[Any, list[dict]]:
    if not items:
        raise QueryError("query ends where a term was expected")
    head, rest = items[0], items[1:]
    if head["paren"] == "(":
        node, rest = _parse_expr(rest)
        if not rest or rest[0]["paren"] != ")":
            raise QueryError("unbalanced parentheses")
        return node, rest[1:]
    if head["paren"] == ")":
        raise QueryError("unexpected ')'")
    if head["phrase"] is not None:
        return ("term", "all", tokens(head["phrase"]), True), rest
    field, sep, value = head["bare"].partition(":")
    if not sep:
        field, value = "all", head["bare"]
    if field not in FIELDS:
        raise QueryError(f"unknown field {field!r}")
    if not value:
        if not rest or rest[0]["phrase"] is None:
            raise QueryError(f"nothing after {field}:")
        return ("term", field, tokens(rest[0]["phrase"]), True), rest[1:]
    if ":" in value:
        raise QueryError(f"malformed term {head['bare']!r}")
    parts = [p for p in value.split("-")]
    node = ("term", field, tokens(parts[0]), False)
    for part in parts[1:]:  # the hyphen trap: an unquoted hyphen acts as NOT
        node = ("ANDNOT", node, ("term", field, tokens(part), False))
    return node, rest


# ---------------------------------------------------------------- the index


class Index:
    def __init__(self, papers: list[dict[str, Any]]):
        self.papers = papers
        self.by_id = {p["id"]: p for p in papers}
        self.fields = [self._fields(p) for p in papers]
        df: dict[str, int] = {}
        for doc in self.fields:
            for word in set(doc["all"]):
                df[word] = df.get(word, 0) + 1
        self.idf = {w: math.log(1 + len(papers) / n) for w, n in df.items()}

    @staticmethod
    def _fields(p: dict[str, Any]) -> dict[str, list[str]]:
        doc = {
            "ti": tokens(p["title"]),  # only the latest title is indexed (docs/reference.md)
            "au": tokens(" ".join(_author_names(p))),
            "abs": tokens(p["abstract"]),
            "co": tokens(p.get("comment") or ""),
            "jr": tokens(p.get("journal_ref") or ""),
            "cat": tokens(" ".join(p["categories"])),
            "rn": [],
            "id": tokens(p["id"]),
        }
        doc["all"] = [w for k in ("ti", "au", "abs", "co", "jr", "cat") for w in doc[k]]
        return doc

    def search(self, node: Any) -> dict[int, float]:
        kind = node[0]
        if kind == "term":
            return self._term(node[1], node[2], node[3])
        left, right = self.search(node[1]), self.search(node[2])
        if kind == "AND":
            return {d: s + right[d] for d, s in left.items() if d in right}
        if kind == "ANDNOT":
            return {d: s for d, s in left.items() if d not in right}
        return {d: left.get(d, 0.0) + right.get(d, 0.0) for d in left.keys() | right.keys()}

    def _term(self, field: str, words: list[str], phrase: bool) -> dict[int, float]:
        if not words:
            return {}
        weight = sum(self.idf.get(w, 1.0) for w in words)
        hits = {}
        for i, doc in enumerate(self.fields):
            seq = doc[field]
            if phrase and _contains(seq, words) or not phrase and all(w in seq for w in words):
                hits[i] = weight * (2.0 if field == "ti" and len(words) == len(seq) else 1.0)
        return hits


def _contains(seq: list[str], words: list[str]) -> bool:
    n = len(words)
    return any(seq[i : i + n] == words for i in range(len(seq) - n + 1))


def _author_names(p: dict[str, Any]) -> list[str]:
    return [a if isinstance(a, str) else a["name"] for a in p["authors"]]


# ---------------------------------------------------------------- Atom


FEED_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
    'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
)


def render_feed(entries: list[str], total: int, start: int, per_page: int, query: str) -> bytes:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    head = (
        f"  <id>https://arxiv.org/api/{abs(hash(query)) % 10**12}</id>\n  <title>arXiv Query: {escape(query)}</title>\n"
        f"  <updated>{now}</updated>\n"
        f'  <link href="https://arxiv.org/api/query" rel="self" type="application/atom+xml"/>\n'
        f"  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>\n"
        f"  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
        f"  <opensearch:startIndex>{start}</opensearch:startIndex>\n"
    )
    return (FEED_HEAD + head + "".join(entries) + "</feed>\n").encode("utf-8")


def render_error(message: str) -> bytes:
    anchor = re.sub(r"\W+", "_", message)
    entry = (
        f"  <entry>\n    <id>http://arxiv.org/api/errors#{escape(anchor)}</id>\n    <title>Error</title>\n"
        f"    <summary>{escape(message)}</summary>\n    <updated>2026-01-01T00:00:00-05:00</updated>\n"
        f'    <link href="http://arxiv.org/api/errors#{escape(anchor)}" rel="alternate" type="text/html"/>\n'
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n"
    )
    return render_feed([entry], 1, 0, 1, "error")


def render_entry(p: dict[str, Any], version: int | None = None) -> str:
    versions = p["versions"]
    v = versions[-1] if version is None else versions[version - 1]
    vid = f"{p['id']}v{v['version']}"
    title = _wrap(v.get("title") or p["title"], "\n  ")  # titles come with newlines and double spaces
    summary = "  " + _wrap(v.get("abstract") or p["abstract"], "\n")
    lines = [
        f"    <id>http://arxiv.org/abs/{vid}</id>",
        f"    <updated>{v['date']}</updated>",
        f"    <published>{versions[0]['date']}</published>",
        f"    <title>{escape(title)}</title>",
        f"    <summary>{escape(summary)}</summary>",
    ]
    for author in p["authors"]:
        name, affs = (author, []) if isinstance(author, str) else (author["name"], author.get("affiliations", []))
        aff = "".join(f"\n      <arxiv:affiliation>{escape(a)}</arxiv:affiliation>" for a in affs)
        lines.append(f"    <author>\n      <name>{escape(name)}</name>{aff}\n    </author>")
    for tag in ("doi", "comment", "journal_ref"):
        if p.get(tag):
            lines.append(f"    <arxiv:{tag}>{escape(p[tag])}</arxiv:{tag}>")
    lines.append(f'    <link href="http://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>')
    lines.append(f'    <link title="pdf" href="http://arxiv.org/pdf/{vid}" rel="related" type="application/pdf"/>')
    if p.get("doi"):
        lines.append(f'    <link title="doi" href={quoteattr("http://dx.doi.org/" + p["doi"])} rel="related"/>')
    scheme = 'scheme="http://arxiv.org/schemas/atom"'
    lines.append(f'    <arxiv:primary_category term="{p["categories"][0]}" {scheme}/>')
    lines += [f'    <category term="{c}" {scheme}/>' for c in p["categories"]]
    return "  <entry>\n" + "\n".join(lines) + "\n  </entry>\n"


def _wrap(text: str, sep: str, width: int = 70) -> str:
    words, lines, line = text.split(" "), [], ""
    for word in words:
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return sep.join(lines + [line]) + ("  " if len(lines) else "")


# ---------------------------------------------------------------- the server


@dataclass
class FakeRequest:
    method: str
    params: dict[str, str]
    status: int | None = None  # None: connection dropped
    fault: Any = None
    user_agent: str | None = None
    # time.monotonic() of the fake: the request arrived, its answer began to be written, the handler was done
    started: float = 0.0
    answered: float | None = None
    ended: float | None = None


class FakeArxiv:
    """`with FakeArxiv(corpus=load_corpus()) as fake:` then point clients at `fake.url`."""

    def __init__(
        self,
        corpus: list[dict[str, Any]] | None = None,
        min_interval: float = 0.0,
        fault_rate: float = 0.0,
        seed: int = 0,
        stall_seconds: float = 1.0,
        latency: float = 0.0,
    ):
        self.index = Index(corpus if corpus is not None else load_corpus())
        self.min_interval = min_interval
        self.fault_rate = fault_rate
        self.stall_seconds = stall_seconds
        self.latency = latency
        self.requests: list[FakeRequest] = []
        self.pdf_requests: list[PdfRequest] = []
        self.pdf_faults: list[str] = []
        self.pdfs_for_any_id = False  # serve a PDF for every well-formed id, in the corpus or not
        self.max_concurrent = 0
        self._faults: list[Any] = []
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._in_flight = 0
        self._last_arrival: float | None = None
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/query"

    @property
    def pdf_url(self) -> str:
        """The base of PDF URLs (PAPERDROP_ARXIV_PDF_URL): `<pdf_url><id>vN`."""
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}{PDF_PREFIX}"

    def inject(self, *faults: Any) -> None:
        """Queue faults for the next requests, one each: "503", "429", ("429", seconds), "empty", "drop",
        "stall"; None lets one request through."""
        with self._lock:
            self._faults.extend(faults)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    # -- called by the handler

    def arrive(self, request: FakeRequest) -> Any:
        """Log the request, account concurrency and pacing, and pick its fault (or None)."""
        with self._lock:
            now = request.started = time.monotonic()
            self.requests.append(request)
            self._in_flight += 1
            self.max_concurrent = max(self.max_concurrent, self._in_flight)
            too_fast = self._last_arrival is not None and now - self._last_arrival < self.min_interval
            self._last_arrival = now
            if self._faults:
                return self._faults.pop(0)
            if self.fault_rate and self._random.random() < self.fault_rate:
                return self._random.choice(RANDOM_FAULTS)
            return "rate" if too_fast else None

    def leave(self, request: FakeRequest) -> None:
        with self._lock:
            request.ended = time.monotonic()
            self._in_flight -= 1

    def pace(self) -> tuple[float | None, bool]:
        """The shortest time between one request's answer and the next request's arrival, and whether two
        requests were ever in the fake at once (arrival to the end of the handler)."""
        with self._lock:
            done = sorted(self.requests, key=lambda r: r.started)
        gaps = [b.started - (a.answered or a.started) for a, b in zip(done, done[1:], strict=False)]
        overlap = self.max_concurrent > 1 or any(
            a.ended is None or b.started < a.ended for a, b in zip(done, done[1:], strict=False)
        )
        return (min(gaps) if gaps else None), overlap

    def answer(self, params: dict[str, str]) -> tuple[int, bytes]:
        try:
            start = int(params.get("start") or 0)
            max_results = int(params.get("max_results") or 10)
        except ValueError:
            return 400, render_error("start and max_results must be integers")
        if max_results > 2000 or start + max_results > 30000 or max_results < 0 or start < 0:
            return 400, render_error("max_results must be at most 2000 and start + max_results at most 30000")
        try:
            entries = self._entries(params.get("search_query", ""), params.get("id_list", ""))
        except QueryError as exc:
            return 400, render_error(str(exc))
        page = entries[start : start + max_results]
        query = params.get("search_query") or params.get("id_list", "")
        return 200, render_feed(page, len(entries), start, max_results, query)

    def _entries(self, query: str, id_list: str) -> list[str]:
        hits = self.index.search(parse_query(query)) if query.strip() else None
        if id_list.strip():
            return self._listed(id_list, hits)
        if hits is None:
            return []
        ranked = sorted(hits, key=lambda d: (-hits[d], self.index.papers[d]["id"]))
        return [render_entry(self.index.papers[d]) for d in ranked]

    def _listed(self, id_list: str, hits: dict[int, float] | None) -> list[str]:
        entries = []
        for raw in [i.strip() for i in id_list.split(",")]:
            match = ID_RE.match(raw)
            if not match:
                raise QueryError(f"incorrect id format for {raw}")
            paper = self.index.by_id.get(match.group(1))
            version = int(match.group(2)) if match.group(2) else None
            if paper is None or (version and version > len(paper["versions"])):
                continue  # a well-formed unknown id is silently absent
            if hits is not None and self.index.papers.index(paper) not in hits:
                continue
            entries.append(render_entry(paper, version))
        return entries


class _Handler(BaseHTTPRequestHandler):
    fake: FakeArxiv
    protocol_version = "HTTP/1.1"
    request_logged: FakeRequest | None = None  # the API request being answered

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        self.request_logged = None
        if urlsplit(self.path).path.startswith(PDF_PREFIX):
            return serve_pdf(self)
        self._serve(urlsplit(self.path).query)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._serve(self.rfile.read(length).decode("utf-8"))

    def _serve(self, raw: str) -> None:
        if urlsplit(self.path).path != "/api/query":
            return self._send(404, b"Not found", "text/plain")
        params = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        request = self.request_logged = FakeRequest(self.command, params, user_agent=self.headers.get("User-Agent"))
        fault = self.fake.arrive(request)
        try:
            if self.fake.latency:
                time.sleep(self.fake.latency)
            request.fault = fault
            request.status = self._respond(fault, params, request)
        finally:
            self.fake.leave(request)

    def _respond(self, fault: Any, params: dict[str, str], request: FakeRequest) -> int | None:
        if fault == "drop":
            request.answered = time.monotonic()
            self.close_connection = True
            return None
        if fault == "stall":
            time.sleep(self.fake.stall_seconds)
        if fault in ("429", "rate"):
            return self._send(429, b"Rate exceeded.", "text/plain")
        if isinstance(fault, tuple):
            return self._send(429, b"Rate exceeded.", "text/plain", {"Retry-After": str(fault[1])})
        if fault == "503":
            return self._send(503, b"Service Unavailable", "text/plain")
        if fault == "empty":
            return self._send(200, render_feed([], 0, 0, 10, "empty"), "application/atom+xml")
        status, body = self.fake.answer(params)
        return self._send(status, body, "application/atom+xml; charset=utf-8")

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> int:
        if self.request_logged is not None:
            self.request_logged.answered = time.monotonic()  # before a byte leaves: no client has its answer sooner
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)
        return status


# ---------------------------------------------------------------- PDFs (arxiv.org/pdf/<id>vN)

PDF_PREFIX = "/pdf/"


@dataclass
class PdfRequest:
    path: str
    status: int | None
    user_agent: str | None


def fake_pdf(arxiv_id: str, version: int) -> bytes:
    """A small, well-formed PDF whose bytes differ per paper and version (so md5s differ)."""
    text = f"arXiv:{arxiv_id}v{version}".replace("(", "").replace(")", "")
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def serve_pdf(handler: _Handler) -> None:
    """`GET /pdf/<id>vN` (or `/pdf/<id>` for the latest version): the paper's PDF, 404 for an unknown one.
    Faults queued with `FakeArxiv.pdf_faults` ("503", "429", "drop") apply here, one per request."""
    fake = handler.fake
    raw = urlsplit(handler.path).path[len(PDF_PREFIX) :].removesuffix(".pdf")
    with fake._lock:
        fault = fake.pdf_faults.pop(0) if fake.pdf_faults else None
    request = PdfRequest(raw, None, handler.headers.get("User-Agent"))
    fake.pdf_requests.append(request)
    if fault == "drop":
        handler.close_connection = True
        return
    if fault in ("503", "429"):
        request.status = handler._send(int(fault), b"Busy", "text/plain", {"Retry-After": "1"})
        return
    match = ID_RE.match(raw)
    paper = fake.index.by_id.get(match.group(1)) if match else None
    versions = len(paper["versions"]) if paper else 0
    if match and paper is None and fake.pdfs_for_any_id:
        versions = int(match.group(2) or 1)
    version = int(match.group(2) or versions) if match else 0
    if match is None or not 1 <= version <= versions:
        request.status = handler._send(404, b"Not found", "text/plain")
        return
    request.status = handler._send(200, fake_pdf(match.group(1), version), "application/pdf")
