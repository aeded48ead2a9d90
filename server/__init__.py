"""PaperDrop's service: Flask app, store, jobs, CLI. Integrations live in `sync/`."""

__version__ = "0.1.0"
