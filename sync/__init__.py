"""PaperDrop integrations that know nothing about Flask: arXiv, digests, Zotero, BibTeX.

`sync` never imports `server`. The server calls these modules with plain data (the records in
`sync.records`) and persists what comes back.
"""
