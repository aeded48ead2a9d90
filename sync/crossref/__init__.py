"""Crossref: the published version of a paper (journal, proceedings, book) from its publisher DOI."""

from paperdrop.sync.crossref.client import CrossrefClient
from paperdrop.sync.crossref.records import to_publication

__all__ = ["CrossrefClient", "to_publication"]
