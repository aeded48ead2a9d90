"""arXiv enrichment: batched id fetches, title resolution that is never wrong, one paced gate."""

from .gate import ArxivGate
from .records import paper_changes, to_paper_record
from .service import ArxivService

__all__ = ["ArxivGate", "ArxivService", "paper_changes", "to_paper_record"]
