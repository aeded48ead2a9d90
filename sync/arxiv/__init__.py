"""arXiv enrichment: batched id fetches, title resolution that is never wrong, one paced gate."""

from paperdrop.sync.arxiv.gate import ArxivGate
from paperdrop.sync.arxiv.records import paper_changes, to_paper_record
from paperdrop.sync.arxiv.service import ArxivService

__all__ = ["ArxivGate", "ArxivService", "paper_changes", "to_paper_record"]
