"""Digest parsing: turn a whole source (text digest, saved page, e-mail, id list, BibTeX) into clips."""

from paperdrop.sync.digest.report import SourceNote, SourceReport
from paperdrop.sync.digest.sources import parse_source

__all__ = ["SourceNote", "SourceReport", "parse_source"]
