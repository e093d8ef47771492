"""OpenAPI: real examples on the main journeys (drf-spectacular post-processing hook).

`schema_examples.json` holds, per operation (`"post /api/v1/bids/{id}/accept/"`), a request
body and the answer the API gave to it, recorded from one run of the journey (register, log in,
brief, list briefs, bid, matches, accept, fund a milestone, deliver, approve, message,
transfers) against the Stripe sandbox. The hook sets them as the operation's request and
response `example`, so Swagger UI and ReDoc show those values instead of ones made up from the
types (`"string"`, `9223372036854776000`). `tests/marketplace/test_schema_examples.py` checks
each example against the operation's schema, so an example cannot drift from the API.
"""

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

EXAMPLES_FILE = Path(__file__).with_name("schema_examples.json")


@lru_cache(maxsize=1)
def journey_examples() -> dict[str, dict[str, Any]]:
    """The recorded examples, keyed by "method path"."""
    return json.loads(EXAMPLES_FILE.read_text())


def add_examples(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: each recorded example on its operation."""
    paths = result.get("paths", {})
    for key, example in journey_examples().items():
        method, path = key.split(" ", 1)
        operation = paths.get(path, {}).get(method)
        if operation is None:
            continue
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None and example.get("request"):
            body["example"] = example["request"]
        response = operation.get("responses", {}).get(str(example["status"]))
        if response is not None:
            content = response.setdefault("content", {}).setdefault("application/json", {})
            content["example"] = example["response"]
    return result
