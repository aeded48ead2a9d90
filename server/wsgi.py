"""The web process of a group deployment under a production WSGI server: `gunicorn paperdrop.server.wsgi:app`
(README "Deploying for a group"). One person runs `paperdrop serve` (waitress, with the job worker inside).

The app reads its settings as `paperdrop serve` does (PAPERDROP_* variables, paperdrop.toml in
PAPERDROP_HOME) and runs no job worker: start `paperdrop worker` processes for that. Each gunicorn worker
process builds its own app and store connections when it imports this module (so do not `--preload`: forked
connections would be shared); clips saved in its last moments are enqueued when it exits, and the workers'
sweep finds any it could not enqueue.
"""

from __future__ import annotations

import atexit

from paperdrop.server.app import create_app
from paperdrop.server.cli.common import make_runtime, setup_logging

setup_logging()
runtime = make_runtime()
app = create_app(runtime=runtime)
atexit.register(runtime.queue.flush)
