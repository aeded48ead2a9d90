"""BibTeX target: papers appended to a user's .bib file exactly once, without touching anything else."""

from paperdrop.sync.bibtex.citekeys import make_citekey
from paperdrop.sync.bibtex.render import BibtexOptions, render_entries
from paperdrop.sync.bibtex.sink import BibtexSink

__all__ = ["BibtexOptions", "BibtexSink", "make_citekey", "render_entries"]
