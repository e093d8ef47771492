"""Shared resources the tests take from the machine, each from the environment with a default.

- `TEST_REDIS_URL` (`redis://127.0.0.1:6379/6`): the shared-counter tests (keys under a unique
  prefix, never flushed);
- `SMOKE_BROKER_URL` (`redis://127.0.0.1:6379/15`): the chaos and previous-release journeys
  (this Redis database is FLUSHED);
- `TEST_PORTS` (`18200-18299`): servers the tests start take the first free port of the range;
- `TEST_DATABASE_PREFIX` (the test database's name): extra PostgreSQL databases
  (`<prefix>_chaos`, `<prefix>_prev`), dropped afterwards.

Point them at what is yours on a shared machine (docs/DEPLOY.md, "Tests and smoke on a shared
machine")."""

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.db import connection

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip() or "redis://127.0.0.1:6379/6"
SMOKE_BROKER_URL = os.environ.get("SMOKE_BROKER_URL", "").strip() or "redis://127.0.0.1:6379/15"


def port_range() -> range:
    """The ports the tests may listen on (TEST_PORTS, "first-last")."""
    first, _, last = (os.environ.get("TEST_PORTS", "").strip() or "18200-18299").partition("-")
    return range(int(first), int(last or first) + 1)


def free_port() -> int:
    """The first port of TEST_PORTS nothing listens on."""
    ports = port_range()
    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1} (TEST_PORTS)")


@contextmanager
def scratch_database(suffix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database next to the test database; yields its URL and drops it
    afterwards."""
    params = connection.settings_dict
    prefix = os.environ.get("TEST_DATABASE_PREFIX", "").strip() or params["NAME"]
    name = f"{prefix}_{suffix}"
    host, port = params["HOST"] or "127.0.0.1", params["PORT"] or 5432
    admin = psycopg.connect(
        host=host,
        port=port,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    user = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    try:
        yield f"postgres://{user}@{host}:{port}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
