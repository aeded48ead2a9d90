"""arXiv PDFs: `<base><id>vN`, fetched once per paper version through the deployment's arXiv gate, kept on disk.

arXiv's terms of use cover automated PDF downloads as they cover the API (docs/reference.md "Zotero file
uploads"): the same gate (one connection, paced), a descriptive User-Agent, and each PDF fetched once and
cached under the data directory, so a retried delivery or a second target never downloads it again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import requests

from paperdrop.sync.arxiv.gate import Gate
from paperdrop.sync.errors import PermanentError, ThrottledError, TransientError

DEFAULT_PDF_URL = "https://arxiv.org/pdf/"
PDF_MAGIC = b"%PDF-"


class PdfStore:
    """`path(arxiv_id, version)` is the local copy of that PDF, downloaded on first use."""

    def __init__(self, *, base_url: str, gate: Gate, cache_dir: Path, user_agent: str, timeout: float = 60.0):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.gate = gate
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.downloads = 0
        self._session = requests.Session()
        self._session.trust_env = False  # a library reads no environment (STYLE.md)
        self._session.headers["User-Agent"] = user_agent

    def close(self) -> None:
        self._session.close()

    def path(self, arxiv_id: str, version: int) -> Path:
        """The PDF of `arxiv_id` version `version`. Raises `PermanentError` when arXiv has no such PDF,
        `TransientError` (`ThrottledError` when arXiv said how long to wait) when it cannot be had now."""
        target = self.cache_dir / f"{arxiv_id.replace('/', '_')}v{version}.pdf"
        if target.is_file():
            return target
        content = self._download(f"{self.base_url}{arxiv_id}v{version}")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, target)  # atomic: a crash leaves no half PDF under the final name
        return target

    def _download(self, url: str) -> bytes:
        with self.gate.slot():
            self.downloads += 1
            try:
                response = self._session.get(url, timeout=self.timeout)
            except requests.RequestException as exc:
                raise TransientError(f"Downloading the arXiv PDF failed: {type(exc).__name__}.") from exc
        if response.status_code == 404:
            raise PermanentError(f"arXiv has no PDF at {url}.")
        if response.status_code in (429, 503) and response.headers.get("Retry-After", "").strip().isdigit():
            raise ThrottledError("arXiv asked PaperDrop to wait.", retry_after=float(response.headers["Retry-After"]))
        if response.status_code != 200:
            raise TransientError(f"arXiv answered HTTP {response.status_code} for {url}.")
        if not response.content.startswith(PDF_MAGIC):
            raise TransientError(f"arXiv sent something that is not a PDF for {url}.")
        return response.content


def md5_of(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324  (Zotero's file protocol names md5)
