"""Who holds a port that `paperdrop serve` cannot listen on: another PaperDrop, or which process."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path


def holder(host: str, port: int) -> str | None:
    """A few words naming what listens on host:port, when that can be found out; None otherwise."""
    version = paperdrop_at(host, port)
    return f"another PaperDrop ({version}) is already running there" if version else _process(port)


def paperdrop_at(host: str, port: int) -> str | None:
    """The version of the PaperDrop answering on host:port; None when none answers."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/api/v1/health", timeout=1) as response:
            health = json.loads(response.read())
    except (OSError, ValueError):
        return None
    if isinstance(health, dict) and health.get("app") == "paperdrop":
        return str(health.get("version", "?"))
    return None


def _process(port: int) -> str | None:
    """Linux: the socket's inode from /proc/net/tcp*, then the process that has it open."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])  # state 0A = LISTEN
    if not inodes:
        return None
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        if any(link in {f"socket:[{inode}]" for inode in inodes} for link in links):
            return f"process {pid} ({name}) listens there"
    return None
