"""Events and webhooks: build Stripe events, log them in the store, sign and send them to the
platform or Connect endpoint from a background thread, retrying failures with short backoff."""

from __future__ import annotations

import copy
import heapq
import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import stripe

from payments.sandbox.state import Store, new_id
from payments.sandbox.wire import Ctx

API_VERSION: str = stripe.api_version
WEBHOOK_RETRY_DELAYS = (0.2, 0.5, 1.0)  # seconds before attempts 2, 3 and 4


class Webhooks:
    """Emits events into ``store`` and delivers them; the delivery thread shares the store lock."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cond = threading.Condition(store.lock)
        self.jobs: list[tuple[float, int, dict[str, Any]]] = []
        self.seq = 0
        self.stopped = False
        self.thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        self.thread.start()

    # ---- events (call with the store lock held) ------------------------------------------
    def emit(
        self,
        type_: str,
        obj: dict[str, Any],
        ctx: Ctx | None,
        account: str | None = None,
        previous: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Record an event about ``obj`` and queue it for its endpoint (Connect if ``account``)."""
        account = account or (ctx.account if ctx else None)
        endpoint = "connect" if account else "platform"
        target = self.store.endpoint(endpoint)
        event: dict[str, Any] = {"id": new_id("evt"), "object": "event"}
        if account:
            event["account"] = account
        data: dict[str, Any] = {"object": copy.deepcopy(obj)}
        if previous is not None:
            data["previous_attributes"] = previous
        event.update(
            api_version=API_VERSION,
            created=int(time.time()),
            data=data,
            livemode=False,
            pending_webhooks=1 if target and target.get("url") else 0,
            request={
                "id": ctx.request_id if ctx else None,
                "idempotency_key": ctx.idempotency_key if ctx else None,
            },
            type=type_,
        )
        self.store.add_event(event)
        self.deliver(event)
        return event

    def deliver(self, event: dict[str, Any]) -> bool:
        """Queue a first delivery attempt; False when the endpoint is not set."""
        endpoint = "connect" if event.get("account") else "platform"
        target = self.store.endpoint(endpoint)
        if not target or not target.get("url"):
            return False
        self._enqueue(event, endpoint, target["url"], target.get("secret") or "")
        return True

    def drop_pending(self) -> None:
        """Forget deliveries not yet attempted (on reset)."""
        self.jobs.clear()

    def resend(self, event_id: str) -> bool | None:
        """Queue an event for delivery again; None if unknown, False if no endpoint."""
        with self.store.lock:
            event = self.store.event(event_id)
            return None if event is None else self.deliver(event)

    # ---- the delivery thread -------------------------------------------------------------
    def _enqueue(self, event: dict[str, Any], endpoint: str, url: str, secret: str) -> None:
        job = {
            "event": event["id"],
            "type": event["type"],
            "endpoint": endpoint,
            "url": url,
            "secret": secret,
            "payload": json.dumps(event, indent=2),
            "attempt": 1,
            "generation": self.store.generation,
        }
        self._push(time.monotonic(), job)

    def _push(self, due: float, job: dict[str, Any]) -> None:
        self.seq += 1
        heapq.heappush(self.jobs, (due, self.seq, job))
        self.cond.notify()

    def stop(self) -> None:
        """Stop the delivery thread (pending deliveries are dropped)."""
        with self.cond:
            self.stopped = True
            self.cond.notify_all()

    def _next_job(self) -> dict[str, Any] | None:
        while not self.stopped:
            if not self.jobs:
                self.cond.wait()
                continue
            wait = self.jobs[0][0] - time.monotonic()
            if wait <= 0:
                return heapq.heappop(self.jobs)[2]
            self.cond.wait(wait)
        return None

    def _run(self) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while True:
            with self.cond:
                job = self._next_job()
            if job is None:
                return
            status, error = self._post(opener, job)
            with self.cond:
                if job["generation"] != self.store.generation:
                    continue
                ok = status is not None and 200 <= status < 300
                if ok:
                    self.store.mark_delivered(job["event"])
                self.store.add_delivery(
                    {
                        "event": job["event"],
                        "type": job["type"],
                        "endpoint": job["endpoint"],
                        "url": job["url"],
                        "attempt": job["attempt"],
                        "status": status,
                        "error": error,
                        "ok": ok,
                        "at": time.time(),
                    }
                )
                if not ok and job["attempt"] <= len(WEBHOOK_RETRY_DELAYS):
                    delay = WEBHOOK_RETRY_DELAYS[job["attempt"] - 1]
                    self._push(time.monotonic() + delay, dict(job, attempt=job["attempt"] + 1))

    @staticmethod
    def _post(
        opener: urllib.request.OpenerDirector, job: dict[str, Any]
    ) -> tuple[int | None, str | None]:
        payload: str = job["payload"]
        signature = stripe.WebhookSignature.generate_signature_header(payload, job["secret"])
        request = urllib.request.Request(
            job["url"],
            data=payload.encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": signature,
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )
        try:
            with opener.open(request, timeout=10) as response:
                response.read()
                return response.status, None
        except urllib.error.HTTPError as exc:
            return exc.code, None
        except (OSError, ValueError) as exc:
            return None, str(exc)
