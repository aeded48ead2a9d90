"""BibTeX target: papers appended to a user's .bib file exactly once, without touching anything else."""

from .citekeys import make_citekey
from .render import BibtexOptions, render_entries
from .sink import BibtexSink

__all__ = ["BibtexOptions", "BibtexSink", "make_citekey", "render_entries"]
