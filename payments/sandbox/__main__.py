"""Run the Stripe sandbox in the foreground: ``python -m payments.sandbox --port 12111``.

``manage.py stripe_sandbox`` runs the same server with everything taken from the settings."""

from __future__ import annotations

import argparse
import logging

from payments.sandbox.server import make_server


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, start the server and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m payments.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--webhook-url", help="platform webhook endpoint")
    parser.add_argument("--webhook-secret", help="platform endpoint signing secret (whsec_...)")
    parser.add_argument("--connect-webhook-url", help="Connect webhook endpoint")
    parser.add_argument("--connect-webhook-secret", help="Connect endpoint signing secret")
    parser.add_argument(
        "--state", help="SQLite file that keeps accounts, balances and keys across restarts"
    )
    parser.add_argument("--reset", action="store_true", help="start with an empty state file")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    server = make_server(
        args.host,
        args.port,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
        connect_webhook_url=args.connect_webhook_url,
        connect_webhook_secret=args.connect_webhook_secret,
        verbose=args.verbose,
        state_path=args.state,
        reset=args.reset,
    )
    print(f"Stripe sandbox listening on {server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
