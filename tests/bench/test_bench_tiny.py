"""The list benchmark runs end to end on a tiny size, so it cannot rot unnoticed.

bench/lists.py seeds its own database (500 creators), starts the API and the plain floor,
checks every public list page equal byte for byte on both and the API's 304, times one list
for a second and renders the report, then drops the database.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, connections

from bench.http_seed import drop_database

ROOT = Path(__file__).resolve().parents[2]


def _free_port_pair() -> int:
    """A port p with p and p + 1 free (the API and the floor)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with socket.socket() as second:
            try:
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two adjacent free ports")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # no open transaction: the test database is free
def test_the_list_benchmark_runs_on_a_tiny_size() -> None:
    s = connection.settings_dict
    server = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/postgres"
    prefix = f"test_reelmatch_benchtiny_{os.getpid()}"
    connections.close_all()  # the test database is the template: migrated, nobody on it
    template = connection.settings_dict["NAME"]
    command = [
        sys.executable, "bench/lists.py", "--sizes", "500", "--db-prefix", prefix,
        "--page-size", "2", "--pages", "1,50", "--duration", "1", "--rounds", "1",
        "--workers", "2", "--connections", "2", "--load", "python", "--timed", "briefs",
        "--port", str(_free_port_pair()), "--template", template, "--no-doc", "--drop",
    ]  # fmt: skip
    env = {**os.environ, "DATABASE_URL": server}
    try:
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
        )
    finally:  # --drop does it too, unless the run stopped half-way
        drop_database(server, f"{prefix}_500")
    out = result.stdout
    assert result.returncode == 0, out[-3000:] + result.stderr[-3000:]
    for page in ("creators p1", "creators p50", "creators tag+model p50", "reels p50",
                 "briefs p1", "briefs p50"):  # fmt: skip
        assert f"{page}: API == floor" in out, out
    assert "| briefs p50 |" in out and "load average before" in out
    assert "Command (from the project root" in out and "2 workers" in out
