"""Digest parsing: turn a whole source (text digest, saved page, id list, BibTeX) into clips."""

from .sources import parse_source

__all__ = ["parse_source"]
