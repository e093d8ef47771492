"""Container health check: GET /healthz/ on this container's web process, with a Host header
the settings accept (the first of ALLOWED_HOSTS). Exit 0 when it answers 200."""

import os
import sys
import urllib.request

port = os.environ.get("PORT", "").strip() or "8000"
host = (os.environ.get("ALLOWED_HOSTS", "").split(",")[0].strip() or "localhost").lstrip(".")
request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz/", headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError as exc:
    print(f"unhealthy: {exc}", file=sys.stderr)
    sys.exit(1)
