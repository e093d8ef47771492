"""How fast the OpenAPI document and the docs pages answer, in process (Django's test client).

    .venv/bin/python bench/schema_timing.py

Prints the size of the schema (JSON and YAML), the first request (which builds it), the median
and worst of the cached requests, a revalidation with its ETag (304), and the Swagger UI and
ReDoc pages. Nothing here touches the database.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

JSON = "application/vnd.oai.openapi+json"
REPEAT = 50


def timed(client: Client, url: str, **headers: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    response = client.get(url, **headers)
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, response.status_code, len(response.content)


def main() -> None:
    setup_test_environment()
    client = Client()
    first, status, size = timed(client, "/api/schema/", HTTP_ACCEPT=JSON)
    assert status == 200, status
    print(f"schema JSON: {size} bytes; first request (builds it) {first:.0f} ms")
    cached = [timed(client, "/api/schema/", HTTP_ACCEPT=JSON)[0] for _ in range(REPEAT)]
    print(
        f"schema JSON from cache: median {statistics.median(cached):.2f} ms, "
        f"worst {max(cached):.2f} ms over {REPEAT}"
    )
    yaml_first, _, yaml_size = timed(client, "/api/schema/")
    yaml_cached = statistics.median(timed(client, "/api/schema/")[0] for _ in range(REPEAT))
    print(f"schema YAML: {yaml_size} bytes; first {yaml_first:.0f} ms, cached {yaml_cached:.2f} ms")
    etag = client.get("/api/schema/", HTTP_ACCEPT=JSON)["ETag"]
    revalidated, status, _ = timed(
        client, "/api/schema/", HTTP_ACCEPT=JSON, HTTP_IF_NONE_MATCH=etag
    )
    print(f"schema revalidation: {status} in {revalidated:.2f} ms")
    for url in ("/api/docs/", "/api/redoc/"):
        elapsed, status, size = timed(client, url)
        print(f"{url}: {status}, {size} bytes, {elapsed:.1f} ms (the page, before its assets)")


if __name__ == "__main__":
    main()
