"""Digest parsing: turn a whole source (text digest, saved page, id list, BibTeX) into clips."""

from paperdrop.sync.digest.sources import parse_source

__all__ = ["parse_source"]
