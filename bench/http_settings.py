"""Settings for bench/lists.py's servers: the project's, plus the raw floor views at /floor/."""

from marketplace.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.http_floor"
