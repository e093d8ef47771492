"""The sandbox's memory: one ``Store`` holding every object, balance, idempotent result, event,
fault, log entry and webhook endpoint, behind one lock.

Objects are read with ``get``/``fetch``/``all`` and written with ``put`` (a new object and its
owner) or ``update`` (an object changed in place).  Methods say whether they take the lock or
expect the caller to hold it.

Given a ``path``, the store also keeps its money state on disk in a SQLite file: objects,
owners, balances, idempotent results and events (with whether their webhook was delivered).
Everything written while the lock is held is saved in one SQLite transaction when the lock is
released, so a request is saved whole or not at all and a restart loses nothing.  Faults, the
request log and the delivery log are test controls and stay in memory.
"""

from __future__ import annotations

import copy
import json
import random
import secrets
import sqlite3
import string
import threading
import time
from pathlib import Path
from typing import Any

from payments.sandbox.wire import ApiError

KINDS = ("accounts", "payment_intents", "charges", "refunds", "transfers", "transfer_reversals")
PREFIX_KIND = {
    "acct": "accounts",
    "pi": "payment_intents",
    "ch": "charges",
    "re": "refunds",
    "tr": "transfers",
    "trr": "transfer_reversals",
}
LABELS = {
    "accounts": "account",
    "payment_intents": "payment_intent",
    "charges": "charge",
    "refunds": "refund",
    "transfers": "transfer",
    "transfer_reversals": "transfer_reversal",
}
IDEMPOTENCY_MESSAGE = (
    "Keys for idempotent requests can only be used with the same parameters they were first "
    "used with. Try using a key other than '{key}' if you meant to execute a different request."
)
Endpoints = dict[str, dict[str, str] | None]
_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 24) -> str:
    """Return a random Stripe-looking id such as ``pi_3Xb...``."""
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_object(prefix: str, object_name: str, **fields: Any) -> dict[str, Any]:
    """A fresh API object with id, object, created and livemode set."""
    obj = {"id": new_id(prefix), "object": object_name, "created": int(time.time())}
    return {**obj, "livemode": False, **fields}


SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL UNIQUE,
    owner TEXT, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS balances (
    owner TEXT NOT NULL, currency TEXT NOT NULL, amount INTEGER NOT NULL,
    PRIMARY KEY (owner, currency));
CREATE TABLE IF NOT EXISTS idempotency (
    account TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER NOT NULL,
    body BLOB NOT NULL, request_id TEXT, PRIMARY KEY (account, key));
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0);
"""
PLATFORM = ""  # the balances table's owner for the platform account (None in memory)


class SavingLock:
    """The store's lock: releasing it saves what was written while it was held."""

    def __init__(self, store: Store) -> None:
        self._lock = threading.Lock()
        self._store = store

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        return self._lock.acquire(blocking, timeout)

    def release(self) -> None:
        try:
            self._store.save()
        finally:
            self._lock.release()

    def locked(self) -> bool:
        return self._lock.locked()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


class Store:
    """All objects, balances, idempotency records, events, faults and logs, behind ``self.lock``.

    ``generation`` grows on every reset so that work started before it (a webhook delivery in
    flight) can tell its results are stale.  ``path`` is the SQLite file the money state lives
    in (None: memory only); ``reset`` starts that file empty.
    """

    def __init__(
        self,
        webhooks: Endpoints | None = None,
        path: str | Path | None = None,
        reset: bool = False,
    ) -> None:
        self.lock = SavingLock(self)
        self.initial_webhooks = copy.deepcopy(webhooks or {"platform": None, "connect": None})
        self.generation = 0
        self.path = Path(path) if path else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db: sqlite3.Connection | None = None
        self._dirty_objects: dict[str, str] = {}
        self._dirty_balances: set[tuple[str | None, str]] = set()
        self._dirty_keys: set[tuple[str, str]] = set()
        self._new_events: list[dict[str, Any]] = []
        self._delivered: set[str] = set()
        self.undelivered: list[str] = []
        with self.lock:
            self.clear(wipe=reset)
            if self.path is not None:
                self._open()

    def clear(self, wipe: bool = True) -> None:
        """Forget everything and restore the start-up webhook endpoints (lock held); ``wipe``
        empties the state file too."""
        self.objects: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in KINDS}
        self.owner: dict[str, str | None] = {}
        self.balances: dict[str | None, dict[str, int]] = {}
        self.idempotency: dict[tuple[str, str], dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.faults: list[dict[str, Any]] = []
        self.request_log: list[dict[str, Any]] = []
        self.deliveries: list[dict[str, Any]] = []
        self.webhooks = copy.deepcopy(self.initial_webhooks)
        self.generation += 1
        self._forget_writes()
        if wipe and self.path is not None:
            db = self.db or sqlite3.connect(self.path)
            with db:
                for table in ("objects", "balances", "idempotency", "events"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                db.executescript(SCHEMA)
            if self.db is None:
                db.close()

    # ---- the state file ------------------------------------------------------------------
    def _open(self) -> None:
        assert self.path is not None
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        for kind, obj_id, owner, body in self.db.execute(
            "SELECT kind, id, owner, body FROM objects ORDER BY seq"
        ):
            self.objects[kind][obj_id] = json.loads(body)
            self.owner[obj_id] = owner
        for owner, currency, amount in self.db.execute(
            "SELECT owner, currency, amount FROM balances"
        ):
            self.balances.setdefault(owner or None, {})[currency] = amount
        for account, key, fingerprint, status, body, request_id in self.db.execute(
            "SELECT account, key, fingerprint, status, body, request_id FROM idempotency"
        ):
            self.idempotency[(account, key)] = {
                "fingerprint": json.loads(fingerprint),
                "status": status,
                "body": bytes(body),
                "request_id": request_id,
            }
        for body, delivered in self.db.execute("SELECT body, delivered FROM events ORDER BY seq"):
            event = json.loads(body)
            self.events.append(event)
            if not delivered and event.get("pending_webhooks"):
                self.undelivered.append(event["id"])

    def _forget_writes(self) -> None:
        self._dirty_objects.clear()
        self._dirty_balances.clear()
        self._dirty_keys.clear()
        self._new_events.clear()
        self._delivered.clear()

    def save(self) -> None:
        """Write what changed since the last save to the state file, in one transaction
        (called when the lock is released; nothing to do without a file)."""
        if self.db is None or not (
            self._dirty_objects
            or self._dirty_balances
            or self._dirty_keys
            or self._new_events
            or self._delivered
        ):
            self._forget_writes()
            return
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for obj_id, kind in self._dirty_objects.items():
                obj = self.objects[kind].get(obj_id)
                if obj is None:
                    continue
                db.execute(
                    "INSERT INTO objects (kind, id, owner, body) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                    (kind, obj_id, self.owner.get(obj_id), json.dumps(obj)),
                )
            for owner, currency in self._dirty_balances:
                db.execute(
                    "INSERT INTO balances (owner, currency, amount) VALUES (?, ?, ?) "
                    "ON CONFLICT (owner, currency) DO UPDATE SET amount = excluded.amount",
                    (owner or PLATFORM, currency, self.available(owner, currency)),
                )
            for account, key in self._dirty_keys:
                entry = self.idempotency[(account, key)]
                db.execute(
                    "INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        account,
                        key,
                        json.dumps(entry["fingerprint"]),
                        entry["status"],
                        entry["body"],
                        entry["request_id"],
                    ),
                )
            for event in self._new_events:
                db.execute(
                    "INSERT OR IGNORE INTO events (id, body) VALUES (?, ?)",
                    (event["id"], json.dumps(event)),
                )
            for event_id in self._delivered:
                db.execute("UPDATE events SET delivered = 1 WHERE id = ?", (event_id,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            self._forget_writes()

    def close(self) -> None:
        """Close the state file (takes the lock)."""
        with self.lock:
            if self.db is not None:
                self.db.close()
                self.db = None

    # ---- objects (lock held) -------------------------------------------------------------
    def put(self, kind: str, obj: dict[str, Any], owner: str | None) -> None:
        """Store a new object of ``kind`` owned by ``owner`` (an account id, None = platform)."""
        self.objects[kind][obj["id"]] = obj
        self.owner[obj["id"]] = owner
        self._dirty_objects[obj["id"]] = kind

    def update(self, kind: str, obj: dict[str, Any]) -> None:
        """Save changes made to a stored object; its owner and place stay."""
        self.objects[kind][obj["id"]] = obj
        self._dirty_objects[obj["id"]] = kind

    def get(self, kind: str, obj_id: str) -> dict[str, Any] | None:
        """The object of ``kind`` with this id, whoever owns it; None if unknown."""
        return self.objects[kind].get(obj_id)

    def all(self, kind: str) -> list[dict[str, Any]]:
        """Every object of ``kind``, oldest first."""
        return list(self.objects[kind].values())

    def owner_of(self, obj_id: str) -> str | None:
        """The account an object was created on (None = platform)."""
        return self.owner[obj_id]

    def find(self, obj_id: str) -> dict[str, Any] | None:
        """An object of any kind, told by its id prefix; None if unknown."""
        kind = PREFIX_KIND.get(obj_id.split("_", 1)[0])
        return self.objects[kind].get(obj_id) if kind else None

    def fetch(
        self, kind: str, obj_id: str, account: str | None, param: str = "id"
    ) -> dict[str, Any]:
        """The object as seen by ``account``; Stripe's resource_missing error otherwise.

        An object is visible on the account it was created on; an account also sees itself.
        """
        obj = self.objects[kind].get(obj_id)
        visible = obj is not None and (
            self.owner[obj_id] == account or (kind == "accounts" and obj_id == account)
        )
        if not visible:
            raise ApiError(
                404 if param == "id" else 400,
                f"No such {LABELS[kind]}: '{obj_id}'",
                code="resource_missing",
                param=param,
                store=False,
            )
        assert obj is not None
        return obj

    # ---- balances (lock held) ------------------------------------------------------------
    def credit(self, owner: str | None, currency: str, amount: int) -> None:
        """Add ``amount`` (negative to debit) to an account's available balance."""
        balance = self.balances.setdefault(owner, {})
        balance[currency] = balance.get(currency, 0) + amount
        self._dirty_balances.add((owner, currency))

    def available(self, owner: str | None, currency: str) -> int:
        """An account's available balance in one currency."""
        return self.balances.get(owner, {}).get(currency, 0)

    def balance(self, owner: str | None) -> dict[str, int]:
        """A copy of an account's balances by currency (empty if it never had money)."""
        return dict(self.balances.get(owner, {}))

    # ---- idempotency (lock held) ---------------------------------------------------------
    def replay(
        self, account: str | None, key: str, fingerprint: list[Any]
    ) -> dict[str, Any] | None:
        """The saved result of an earlier request with this key, or None.

        Reusing a key with other parameters is Stripe's ``idempotency_error``.
        """
        entry = self.idempotency.get((account or "", key))
        if entry is not None and entry["fingerprint"] != fingerprint:
            raise ApiError(400, IDEMPOTENCY_MESSAGE.format(key=key), type_="idempotency_error")
        return entry

    def remember(
        self,
        account: str | None,
        key: str,
        fingerprint: list[Any],
        status: int,
        body: bytes,
        request_id: str | None,
    ) -> None:
        """Save a request's answer under its idempotency key."""
        self.idempotency[(account or "", key)] = {
            "fingerprint": fingerprint,
            "status": status,
            "body": body,
            "request_id": request_id,
        }
        self._dirty_keys.add((account or "", key))

    # ---- events, webhook endpoints and deliveries ----------------------------------------
    def add_event(self, event: dict[str, Any]) -> None:
        """Append an event to the event log (lock held)."""
        self.events.append(event)
        self._new_events.append(event)

    def mark_delivered(self, event_id: str) -> None:
        """Remember that an event reached its endpoint (lock held)."""
        self._delivered.add(event_id)

    def event(self, event_id: str) -> dict[str, Any] | None:
        """An event by id (lock held); None if unknown."""
        for event in self.events:
            if event["id"] == event_id:
                return event
        return None

    def endpoint(self, name: str) -> dict[str, str] | None:
        """The ``platform`` or ``connect`` webhook endpoint, if set (lock held)."""
        return self.webhooks.get(name)

    def set_webhooks(self, config: dict[str, Any]) -> None:
        """Replace the platform and/or connect endpoint (``{"url", "secret"}`` or None)."""
        with self.lock:
            for name in ("platform", "connect"):
                if name in config:
                    value = config[name]
                    if value is not None and not (isinstance(value, dict) and value.get("url")):
                        raise ValueError(f"{name} must be null or {{'url': ..., 'secret': ...}}")
                    self.webhooks[name] = dict(value) if value else None

    def webhooks_config(self) -> Endpoints:
        """A copy of both webhook endpoints (takes the lock)."""
        with self.lock:
            return copy.deepcopy(self.webhooks)

    def add_delivery(self, entry: dict[str, Any]) -> None:
        """Append one webhook delivery attempt to its log (lock held)."""
        self.deliveries.append(entry)

    # ---- fault injection and the request log (take the lock) -----------------------------
    def add_fault(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Arm a fault: the next ``count`` matching API requests fail as ``status``; or, with
        ``rate`` (0 < rate <= 1), that share of matching requests at random until cleared."""
        status = spec.get("status")
        valid = status in (429, "drop", "drop_after") or (
            isinstance(status, int) and 500 <= status <= 599
        )
        count = spec.get("count") or 1
        rate = spec.get("rate")
        if rate is not None and not (isinstance(rate, int | float) and 0 < rate <= 1):
            raise ValueError("rate must be a number in (0, 1]")
        if not valid or not isinstance(count, int) or count < 1:
            raise ValueError("status must be 429, 5xx, 'drop' or 'drop_after'; count >= 1")
        method = spec.get("method")
        fault = {
            "status": status,
            "count": count,
            "rate": rate,
            "path": spec.get("path"),
            "method": method.upper() if method else None,
        }
        with self.lock:
            self.faults.append(fault)
        return fault

    def take_fault(self, method: str, path: str) -> int | str | None:
        """Consume one matching fault, if any, and return its status."""
        with self.lock:
            for fault in self.faults:
                if fault["count"] <= 0:
                    continue
                if fault["method"] and fault["method"] != method:
                    continue
                if fault["path"] and not path.startswith(fault["path"]):
                    continue
                if fault["rate"] is not None:
                    if random.random() < fault["rate"]:
                        return fault["status"]
                    continue
                fault["count"] -= 1
                return fault["status"]
            return None

    def clear_faults(self) -> None:
        """Disarm every fault."""
        with self.lock:
            self.faults.clear()

    def log_request(self, entry: dict[str, Any]) -> None:
        """Append one API request to the request log."""
        with self.lock:
            self.request_log.append(entry)

    def snapshot(self, what: str, **filters: str | None) -> list[dict[str, Any]] | None:
        """A deep copy of events / requests / deliveries / objects of one kind."""
        with self.lock:
            if what == "events":
                items = self.events
                if filters.get("after"):
                    ids = [e["id"] for e in items]
                    after = filters["after"]
                    items = items[ids.index(after) + 1 :] if after in ids else []
                if filters.get("type"):
                    items = [e for e in items if e["type"] == filters["type"]]
            elif what == "requests":
                items = self.request_log
            elif what == "deliveries":
                items = self.deliveries
            elif what in self.objects:
                items = list(self.objects[what].values())
            else:
                return None
            return copy.deepcopy(items)
