"""The `paperdrop` command line: serve, worker, import, status, retry, resolve, export, token, targets.

Exit codes: 0 success; 1 work did not complete (something failed, needs review or is unreachable);
2 usage or input error (what to fix is printed); 3 configuration error.
"""

from __future__ import annotations

import errno
import gc
import logging
import signal
import sys
from typing import TYPE_CHECKING, Any

import click

from paperdrop.server import __version__
from paperdrop.server.cli.admin import register as register_admin
from paperdrop.server.cli.common import DEFAULT_HOST, DEFAULT_PORT, PaperDropGroup, make_runtime, setup_logging
from paperdrop.server.cli.imports import import_command
from paperdrop.server.cli.ports import holder
from paperdrop.server.cli.service import service
from paperdrop.server.invocation import command
from paperdrop.sync.errors import ConfigurationError

if TYPE_CHECKING:
    from flask import Flask

    from paperdrop.server.runtime import Runtime


@click.group(cls=PaperDropGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paperdrop")
def main() -> None:
    """PaperDrop saves research papers from digest pages into Zotero or BibTeX, completed from arXiv.

    Start the service with `paperdrop serve`, pair the browser extension with the token from
    `paperdrop token`, or import a whole digest with `paperdrop import FILE --wait`.
    Settings come from PAPERDROP_* environment variables or paperdrop.toml in the data directory.
    """


def _raise_exit(signum, _frame):
    raise SystemExit(0)


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on (keep it local).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int, help="Port to listen on.")
@click.option("--no-worker", is_flag=True, help="Serve the web app only; run `paperdrop worker` separately.")
@click.option("--threads", default=8, show_default=True, type=int, help="Web server threads.")
def serve(host: str, port: int, no_worker: bool, threads: int) -> None:
    """Run the web service (API and dashboard) with the job worker, until Ctrl-C."""
    from paperdrop.server.app import create_app
    from paperdrop.server.jobs.worker import Worker

    setup_logging()
    # waitress warns on every request that has to wait for a free thread; under a burst that is a log line per
    # request, written while serving. Overload shows in the latency; keep the log for real problems.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    # Jobs share this process with the web threads (DESIGN: embedded worker). A shorter GIL switch interval
    # than the default 5 ms keeps a CPU-bound job (parsing a 100-entry Atom feed) from stalling requests.
    sys.setswitchinterval(0.001)
    rt = make_runtime()
    app = create_app(runtime=rt)
    server = _listen(app, host, port, threads)  # before anything starts: a taken port is a clear error
    worker = None if no_worker else Worker(rt)
    signal.signal(signal.SIGTERM, _raise_exit)
    if worker:
        worker.start()
    _log_targets_later(rt)
    # Objects made at start-up (app, models, compiled statements) never die: moving them out of the
    # collector's view keeps full collections short, so they do not show up as latency spikes.
    gc.collect()
    gc.freeze()
    click.echo(next_steps(rt, host, port, worker is not None), err=True)
    try:
        server.run()
    finally:
        rt.queue.flush()  # clips saved in the last moments: enqueue them now (the sweep would, later)
        if worker:
            worker.stop()
        rt.close()


def _listen(app: Flask, host: str, port: int, threads: int) -> Any:
    """A waitress server bound to host:port, or a ConfigurationError that says who holds the port."""
    import waitress

    try:
        return waitress.create_server(
            app, host=host, port=port, threads=threads, ident="paperdrop", clear_untrusted_proxy_headers=True
        )
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise ConfigurationError(
                f"Cannot listen on {host}:{port}: {exc.strerror}.",
                fix=f"Pick another address or port: {command('serve', '--port', '7078')}.",
            ) from exc
        who = holder(host, port)
        raise ConfigurationError(
            f"Port {port} on {host} is already in use{': ' + who if who else ''}.",
            fix=f"Stop it, or start PaperDrop on another port: {command('serve', '--port', str(port + 1))} "
            f"(then set the extension's server URL to http://{host}:{port + 1}).",
        ) from exc


def next_steps(rt: Runtime, host: str, port: int, with_worker: bool) -> str:
    """What `paperdrop serve` tells a new user once it listens."""
    url = f"http://{host}:{port}/"
    lines = [
        f"PaperDrop {__version__} is running at {url}"
        + ("" if with_worker else f" (no worker here: run {command('worker')})"),
        f"  Dashboard   {url}  (sign in with the token: {command('token')})",
        '  Extension   load extension/ in your browser, open its options and click "Pair with PaperDrop"',
        f"  Data        {rt.home}  (store, queue, token; the default target is {rt.settings.resolve_target(None)})",
        f"  Keep it running at login: {command('service', 'install')}.  Stop with Ctrl-C.",
    ]
    return "\n".join(lines)


def _log_targets_later(rt) -> None:
    """Check targets (Zotero key, BibTeX path) at start without delaying it; problems are logged with fixes."""
    import threading

    from paperdrop.server.services.targets import check_target, known_targets

    def check() -> None:
        for _, spec in known_targets(rt):
            status = check_target(rt, spec)
            level = logging.INFO if status.reachable else logging.WARNING
            logging.getLogger("paperdrop").log(level, "target %s: %s %s", spec, status.message, status.fix or "")

    threading.Thread(target=check, name="paperdrop-target-check", daemon=True).start()


@main.command()
@click.option("--threads", default=None, type=int, help="Job threads (default PAPERDROP_WORKERS).")
def worker(threads: int | None) -> None:
    """Run only the job worker (resolve, deliver, sweep). Several may share one store and queue."""
    from paperdrop.server.jobs.worker import Worker

    setup_logging()
    rt = make_runtime()
    signal.signal(signal.SIGTERM, _raise_exit)
    click.echo(f"PaperDrop worker {__version__} (data: {rt.home})", err=True)
    Worker(rt, threads=threads).run_forever()


@main.command()
def migrate() -> None:
    """Bring the store's schema to this version of PaperDrop, then exit.

    Every process also does this when it starts; in a group deployment run it once after an upgrade, before
    starting the web process and the workers (README "Deploying for a group")."""
    from paperdrop.server.store.db import current_revision

    rt = make_runtime()  # migrates
    try:
        revision = current_revision(rt.db.engine)
        url = rt.db.engine.url.render_as_string(hide_password=True)
        click.echo(f"The store {url} is at migration {revision}.")
    finally:
        rt.close()


main.add_command(import_command)
main.add_command(service)
register_admin(main)
