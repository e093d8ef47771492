"""Schema fuzzing: every operation of /api/schema/, as a creator and as a brand member.

Schemathesis generates requests from our own OpenAPI schema (valid and invalid ones) and calls
the WSGI app in-process, in the test's transaction. Every answer must be: not a 5xx (except
the 503 of an operation that calls Stripe, which is unreachable here), a status the schema
documents for the operation, with the documented content type and body.

Bounded: the fuzzing phase with MAX_EXAMPLES per operation and role, and a short stateful run
(STATEFUL_EXAMPLES scenarios) that follows the links of `fuzz_links.py` through the
marketplace's flows, each request made by the user whose act it is. Schemathesis' coverage
phase is off: it generates every boundary case the schema allows and ignores max_examples
(about 8,000 requests per role), too slow for CI; its kinds of inputs (missing and mistyped
fields, out-of-range values) also come from the negative fuzzing. `make fuzz-full` runs every
phase at depth.

Excluded: the two Stripe webhook operations. They need a Stripe signature, so every generated
request is refused alike; tests/payments/test_webhooks.py and the authorization matrix cover
them.

Path ids: a generated id almost never names an object, so everything would answer 404 before
the interesting code runs. Half of the cases (chosen from the generated id itself, so a
failure replays) get the id of a real object of the world instead.
"""

import copy
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from marketplace.wsgi import application
from tests.security.conftest import bearer, build_world
from tests.security.fuzz_links import LINKS, add_links, role_of
from tests.security.test_authz_matrix import brief_body, change_order_body

# Per operation and role; raise it to dig deeper (FUZZ_MAX_EXAMPLES=500 pytest ...).
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "15"))


@contextmanager
def app_keeps_the_test_connection() -> Iterator[None]:
    """Call the WSGI app in-process without Django closing the database connection around
    each request (inside the test's transaction that would end the test; Django's test
    client disconnects the same handler)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# The periodic deep run (`make fuzz-full`, FUZZ_ALL_PHASES=1) adds the coverage phase: every
# boundary case the schema allows for every operation (~8,000 requests per role), and runs
# more stateful scenarios.
ALL_PHASES = os.environ.get("FUZZ_ALL_PHASES") == "1"
STATEFUL_EXAMPLES = int(os.environ.get("FUZZ_STATEFUL_EXAMPLES", "200" if ALL_PHASES else "15"))
CONFIG = schemathesis.Config.from_dict(
    {"phases": {"coverage": {"enabled": ALL_PHASES}, "stateful": {"enabled": True}}}
)
with app_keeps_the_test_connection():
    _published = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)
# Our own copy of the published schema, with the links the stateful phase follows.
RAW_SCHEMA = copy.deepcopy(_published.raw_schema)
LINKS_ADDED = add_links(RAW_SCHEMA)


def _load(config):  # type: ignore[no-untyped-def]
    loaded = schemathesis.openapi.from_dict(copy.deepcopy(RAW_SCHEMA), config=config)
    loaded.app = application
    loaded.location = "/api/schema/"
    return loaded.exclude(path_regex=r"^/api/v1/payments/webhooks/")


schema = _load(CONFIG)
# The flows machine follows our links only (schemathesis would also infer ~800 links from
# names, among which a scenario rarely reaches the end of a real flow); the breadth machine
# follows the inferred ones too.
FLOWS_SCHEMA = _load(
    schemathesis.Config.from_dict(
        {"phases": {"stateful": {"enabled": True, "inference": {"algorithms": []}}}}
    )
)

# Operations that call Stripe before answering: with Stripe unreachable they answer 503.
STRIPE_OPERATIONS = {
    "POST /api/v1/contracts/{id}/fund/",
    "POST /api/v1/milestones/{id}/fund/",
    "POST /api/v1/payments/onboarding/",
}


def no_server_error(ctx, response, case):  # type: ignore[no-untyped-def]
    """No 5xx, except the documented 503 of an operation that had to call Stripe."""
    if (
        response.status_code == 503
        and case.operation.label in STRIPE_OPERATIONS
        and response.json()["error"]["code"] == "service_unavailable"
    ):
        return None
    return not_a_server_error(ctx, response, case)


CHECKS = [
    no_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# The world object a path parameter should name, by the path's first segment after /api/v1/.
REAL_IDS = {
    ("bids", "id"): "bid_a",
    ("brand-invitations", "id"): "member_invitation_b",
    ("brands", "id"): "brand_x",
    ("change-orders", "id"): "change_order_x",
    ("brands", "brand_id"): "brand_x",
    ("brands", "user_id"): "x_manager_user",
    ("briefs", "id"): "brief_open",
    ("briefs", "brief_id"): "brief_open",
    ("contracts", "id"): "contract_funded",
    ("contracts", "contract_id"): "contract_disputed",
    ("creators", "handle"): "handle_a",
    ("invitations", "id"): "invitation_a",
    ("ips", "id"): "ip_x",
    ("model-licences", "id"): "model_licence",
    ("milestones", "id"): "milestone_funded",
    ("notifications", "id"): "notification_a",
    ("portfolios", "id"): "portfolio_a",
    ("program", "id"): "application_a",
    ("reels", "id"): "reel_a",
    ("threads", "id"): "thread_brief",
    ("threads", "thread_id"): "thread_brief",
}
# Actions whose interesting object is not the default one above.
REAL_IDS_BY_PATH = {
    "/api/v1/contracts/{id}/fund/": "contract_awaiting",
    "/api/v1/contracts/{id}/cancel/": "contract_awaiting",
    "/api/v1/contracts/{id}/approve/": "contract_delivered",
    "/api/v1/contracts/{id}/request-revision/": "contract_delivered",
    "/api/v1/contracts/{id}/resolve/": "contract_disputed",
    "/api/v1/contracts/{id}/reviews/": "contract_paid",
    "/api/v1/milestones/{id}/fund/": "milestone_awaiting",
    "/api/v1/milestones/{id}/cancel/": "milestone_awaiting",
    "/api/v1/milestones/{id}/approve/": "milestone_delivered",
    "/api/v1/milestones/{id}/request-revision/": "milestone_delivered",
    "/api/v1/milestones/{id}/resolve/": "milestone_disputed",
    "/api/v1/briefs/{id}/submit/": "brief_draft",
    "/api/v1/briefs/{id}/approve/": "brief_review",
    "/api/v1/briefs/{id}/reject/": "brief_review",
    "/api/v1/brands/{brand_id}/member-invitations/{id}/": "member_invitation_b",
}


def _use_real_ids(case, world) -> None:  # type: ignore[no-untyped-def]
    path = case.operation.path
    section = path.removeprefix("/api/v1/").split("/")[0]
    for name, value in list((case.path_parameters or {}).items()):
        if len(str(value)) % 2:  # keep the generated value for half of the cases
            continue
        key = REAL_IDS_BY_PATH.get(path) if name in {"id", "pk"} else None
        key = key or REAL_IDS.get((section, name))
        assert key is not None, f"no real object for {{{name}}} in {path}: add it to REAL_IDS"
        case.path_parameters[name] = world.ids[key]


@pytest.fixture
def fuzz_world(db, stripe_unreachable):  # type: ignore[no-untyped-def]
    with app_keeps_the_test_connection():
        yield build_world()


def _call(case, world, role: str) -> Any:  # type: ignore[no-untyped-def]
    _use_real_ids(case, world)
    return case.call_and_validate(
        headers={"Authorization": bearer(world.users[role])}, checks=CHECKS
    )


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_creator(case, fuzz_world):  # type: ignore[no-untyped-def]
    _call(case, fuzz_world, "a")


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_brand_member(case, fuzz_world):  # type: ignore[no-untyped-def]
    _call(case, fuzz_world, "x_owner")


def _realistic(case, world) -> None:  # type: ignore[no-untyped-def]
    """Half of the bodies that start a flow (a brief, a bid, a change order) get values the API
    accepts, so the flow goes on (submit, approve, bid, accept, act on the contract); the other
    half keep what was generated. A generated Idempotency-Key is dropped: a few short keys
    would be reused across the scenario's different requests and answer 422 before the flow."""
    if case.headers:
        case.headers.pop("Idempotency-Key", None)
    body = case.body
    make = REALISTIC_BODIES.get(case.operation.label)
    if make is None or not isinstance(body, dict) or len(str(sorted(body))) % 2:
        return
    body.update(make(world))
    for name in ("ip", "milestones", "sample_reels"):
        body.pop(name, None)


REALISTIC_BODIES = {
    "POST /api/v1/briefs/": brief_body,
    "POST /api/v1/briefs/{brief_id}/bids/": lambda world: {"amount": 70_000},
    "POST /api/v1/contracts/{id}/change-orders/": change_order_body,
}


def _machine(machine_schema, world):  # type: ignore[no-untyped-def]
    """The stateful machine over our links, each request signed by the user whose act it is."""
    tokens = {role: bearer(world.users[role]) for role in ("a", "x_owner", "staff")}

    class Flows(machine_schema.as_state_machine()):  # type: ignore[misc]
        # Each scenario starts from the same world (Hypothesis replays scenarios to shrink
        # a failure, and a replay must see what the first run saw).
        def setup(self):  # type: ignore[no-untyped-def]
            self.savepoint = transaction.savepoint()

        def teardown(self):  # type: ignore[no-untyped-def]
            transaction.savepoint_rollback(self.savepoint)
            cache.clear()

        def step(self, input):  # type: ignore[no-untyped-def]
            # A first step, or one whose link gave nothing: ids of the world's objects as in
            # the other phases (a generated id would only ever be a 404).
            if not input.applied_parameters:
                _use_real_ids(input.case, world)
            return super().step(input)

        def before_call(self, case):  # type: ignore[no-untyped-def]
            _realistic(case, world)

        def get_call_kwargs(self, case):  # type: ignore[no-untyped-def]
            role = role_of(case.operation.method, case.operation.path)
            return {"headers": {"Authorization": tokens[role]}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):  # type: ignore[no-untyped-def]
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    return Flows


@pytest.mark.parametrize("links", ["ours", "ours_and_inferred"])
def test_api_stateful(fuzz_world, links):  # type: ignore[no-untyped-def]
    machine_schema = FLOWS_SCHEMA if links == "ours" else schema
    _machine(machine_schema, fuzz_world).run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=12,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )


WEBHOOKS = {
    "POST /api/v1/payments/webhooks/stripe/",
    "POST /api/v1/payments/webhooks/stripe-connect/",
}


def test_only_the_webhooks_are_left_out():
    every_label = {
        f"{method.upper()} {path}"
        for path, operations in schema.raw_schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    fuzzed = {result.ok().label for result in schema.get_all_operations()}
    assert every_label - fuzzed == WEBHOOKS
    assert STRIPE_OPERATIONS <= fuzzed


# What the fuzzing found, pinned (each was a 500 before its fix). -----------------------------

FOUND = [
    # An id filter took any decimal: an out-of-range integer crashed the SQLite driver.
    ("a", "get", "/api/v1/briefs/?brand=-3.1192677767533346e%2B91", None, 400),
    ("a", "get", "/api/v1/reels/?portfolio=5.966966064316459e%2B19", None, 400),
    ("a", "get", "/api/v1/contracts/?brief=99999999999999999999", None, 400),
    # A UTC offset PostgreSQL does not take (it allows ±15:59): now compared in UTC.
    ("a", "get", "/api/v1/briefs/?bid_deadline_before=0294-10-06T05:50:08.745-22:19", None, 200),
    ("a", "get", "/api/v1/briefs/?bid_deadline_after=9999-12-31T23:00:00-05:00", None, 400),
    # Sample reel ids beyond the bigint range in a bid.
    ("b", "post", "/api/v1/briefs/{brief_open}/bids/", {"amount": 1, "sample_reels": [2**80]}, 400),
    # A member id beyond the bigint range in the URL.
    ("x_owner", "delete", "/api/v1/brands/{brand_x}/members/99999999999999999999/", None, 404),
]


@pytest.mark.parametrize("role, method, url, body, expected", FOUND)
def test_what_the_fuzzing_found(world, role, method, url, body, expected):  # type: ignore[no-untyped-def]
    client = world.clients[role]
    response = getattr(client, method)(url.format(**world.ids), body, format="json")
    assert response.status_code == expected, response.content


def test_the_stateful_phase_follows_every_link_of_the_flows():
    FLOWS_SCHEMA.as_state_machine()
    assert LINKS_ADDED == sum(len(targets) for targets in LINKS.values())
    assert FLOWS_SCHEMA.statistic.transitions.total == LINKS_ADDED
