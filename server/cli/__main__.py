"""`python -m paperdrop.server.cli`: the `paperdrop` command without its console script."""

import sys

from paperdrop.server.cli import main

sys.exit(main())
