"""Chunk digests of a .bib file and where a new version differs from the one they describe.

The index keeps the digest of every 16 KiB chunk of the file as PaperDrop last saw it. Comparing a new version
chunk by chunk from the start and, shifted by the change in size, from the end bounds the region an outside
edit touched without keeping a copy of the old bytes: most edits (an entry typed, fixed or deleted by hand, an
append by another tool) touch one or two chunks, so only those need scanning again (docs/design.md "The
user's files are sacred": the file as it is now decides; this makes reading it cheap).
"""

from __future__ import annotations

from dataclasses import dataclass

import xxhash

CHUNK = 16 * 1024
DIGEST_SIZE = 16  # xxh3-128: change detection, not security; ~10x faster than sha1 here (bench/README.md)


def chunk_digests(data: bytes | memoryview, first_chunk: int = 0) -> bytes:
    """The concatenated digests of `data`'s chunks from `first_chunk` on (the last chunk may be short)."""
    view = memoryview(data)
    digest = xxhash.xxh3_128_digest
    return b"".join(digest(view[pos : pos + CHUNK]) for pos in range(first_chunk * CHUNK, len(data), CHUNK))


def content_digest(data: bytes) -> str:
    return xxhash.xxh3_128_hexdigest(data)


@dataclass(frozen=True)
class Difference:
    """`new[:prefix] == old[:prefix]` and `new[new_suffix:] == old[old_suffix:]` (both verified by digest);
    everything between may differ. `old_suffix - new_suffix` is the same as `len(old) - len(new)`."""

    prefix: int
    old_suffix: int
    new_suffix: int

    @property
    def shift(self) -> int:
        """How far bytes after the changed region moved: new offset = old offset + shift."""
        return self.new_suffix - self.old_suffix


def difference(old_size: int, old_digests: bytes, new: bytes, new_digests: bytes) -> Difference | None:
    """Where `new` differs from the file `old_digests` describe; None when they are the same bytes."""
    if old_size == len(new) and old_digests == new_digests:
        return None
    chunks = min(len(old_digests), len(new_digests)) // DIGEST_SIZE
    first = next((i for i in range(chunks) if _at(old_digests, i) != _at(new_digests, i)), chunks)
    prefix = min(first * CHUNK, old_size, len(new))
    shift = len(new) - old_size
    view, digest = memoryview(new), xxhash.xxh3_128_digest
    old_suffix = old_size
    for index in range(len(old_digests) // DIGEST_SIZE - 1, first - 1, -1):
        start = index * CHUNK
        stop = min(start + CHUNK, old_size)
        if start + shift < prefix or digest(view[start + shift : stop + shift]) != _at(old_digests, index):
            break
        old_suffix = start
    return Difference(prefix, old_suffix, old_suffix + shift)


def _at(digests: bytes, index: int) -> bytes:
    return digests[index * DIGEST_SIZE : (index + 1) * DIGEST_SIZE]
