"""honcho for `make prod` (deploy/prod.py runs it): `python deploy/honcho_run.py WAIT honcho-args…`.

Two changes to honcho 2.0's defaults: it waits WAIT seconds (not a fixed 5) for the processes
to stop before it kills them, so gunicorn can finish its requests (GRACEFUL_STOP_SECONDS); and
its own lines ("web.1 started") are JSON like every process's (role "supervisor")."""

import json
import sys
from datetime import UTC, datetime

import honcho.command
import honcho.manager


def _system_print(self: honcho.manager.Manager, data: str) -> None:
    moment = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    line = {
        "level": "INFO",
        "logger": "honcho",
        "message": data.strip(),
        "request_id": "-",
        "time": moment,
        "role": "supervisor",
    }
    self._printer.write(
        honcho.manager.Message(
            type="line",
            data=json.dumps(line) + "\n",
            time=self._clock.now(),
            name=honcho.manager.SYSTEM_PRINTER_NAME,
            colour=None,
        )
    )


def main(argv: list[str]) -> int:
    honcho.manager.KILL_WAIT = int(argv[0])
    honcho.manager.Manager._system_print = _system_print  # type: ignore[method-assign]
    sys.argv = ["honcho", *argv[1:]]
    return honcho.command.main() or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
