"""What every `paperdrop` command shares: exit codes, error translation, the runtime, output helpers."""

from __future__ import annotations

import json
import logging
import sys

import click

from paperdrop.server.invocation import command
from paperdrop.sync.errors import ConfigurationError, InputError, PaperDropError

EXIT_INCOMPLETE, EXIT_INPUT, EXIT_CONFIG = 1, 2, 3
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 7077  # where `paperdrop serve` listens unless told otherwise


class PaperDropGroup(click.Group):
    """Turns PaperDrop's own errors into a one-line message and an exit code instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_INPUT)
        except ConfigurationError as exc:
            click.echo(f"Configuration error: {exc}", err=True)
            sys.exit(EXIT_CONFIG)
        except PaperDropError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_INCOMPLETE)


def make_runtime():
    """The command's runtime, closed when the command ends (its database connections with it)."""
    from paperdrop.server.runtime import Runtime

    rt = Runtime()
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(rt.close)
    return rt


def setup_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def plural(count: int, word: str, words: str | None = None) -> str:
    """`1 paper`, `2 papers`, `0 deliveries`."""
    if count == 1:
        return f"1 {word}"
    return f"{count} {words or (word[:-1] + 'ies' if word.endswith('y') else word + 's')}"


def who_finishes(work: str) -> str:
    """Who does `work` ("the work", "them") once this command ends: the server that answers at the default
    address, or what the user can start."""
    from paperdrop.server.cli.ports import paperdrop_at

    url = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}/"
    if paperdrop_at(DEFAULT_HOST, DEFAULT_PORT):
        return f"the PaperDrop running at {url} does {work}"
    return f"no PaperDrop answers at {url}: start {command('serve')} (or {command('worker')}) to do {work}"
