"""Each operation's declared error codes (`error_codes` on its view) are exactly the codes its
code can raise, read from the source by `codewalk` (a new `raise Conflict(..., code=X)` in a
service an action calls fails here until the action declares `x`)."""

from enum import StrEnum

import pytest
from drf_spectacular.generators import SchemaGenerator

from accounts.errors import AccountError
from campaigns.conversations.errors import ConversationError
from campaigns.errors import CampaignError
from creators.errors import CreatorError
from marketplace.errors import CommonError, Conflict, InvalidInput, InvalidTransition
from marketplace.schema import error_codes_of
from payments.errors import PaymentError

from .codewalk import reachable_codes

APPS = {"accounts", "campaigns", "creators", "payments"}
KNOWN = {
    str(member)
    for enum in (AccountError, CampaignError, ConversationError, CreatorError, PaymentError)
    for member in enum
} | {str(member) for member in CommonError}


def _operations() -> list[tuple[str, str, type, str, list[str]]]:
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    operations = []
    for path, _, method, view in generator._get_paths_and_endpoints():
        cls = type(view)
        if cls.__module__.split(".")[0] not in APPS:
            continue
        handler = getattr(view, "action", None) or method.lower()
        operations.append((method, path, cls, handler, error_codes_of(view, method)))
    return operations


OPERATIONS = _operations()


def test_the_walk_sees_every_operation_of_the_api():
    assert len(OPERATIONS) > 100
    assert {(m, p) for m, p, *_ in OPERATIONS} >= {
        ("POST", "/api/v1/bids/{id}/accept/"),
        ("POST", "/api/v1/milestones/{id}/fund/"),
        ("POST", "/api/v1/threads/{thread_id}/messages/"),
    }


@pytest.mark.parametrize(
    ("method", "path", "view", "handler", "declared"),
    OPERATIONS,
    ids=[f"{m} {p}" for m, p, *_ in OPERATIONS],
)
def test_an_operation_declares_exactly_the_codes_its_code_raises(
    method, path, view, handler, declared
):
    raised = reachable_codes(view, handler)
    assert set(declared) <= KNOWN, f"not an error code: {sorted(set(declared) - KNOWN)}"
    missing = sorted(raised - set(declared))
    assert not missing, f"{view.__name__}.error_codes[{handler!r}] lacks {missing}"
    if isinstance(getattr(view, "error_codes", {}), dict):
        stale = sorted(set(declared) - raised)
        assert not stale, f"{view.__name__}.error_codes[{handler!r}] declares {stale}"


def test_matching_operations_are_checked_against_their_whole_enum():
    """The matching views declare a whole enum (the older form): still a superset check."""
    matching = [op for op in OPERATIONS if "matches" in op[1] or "recommended" in op[1]]
    assert matching
    for _, _, view, handler, declared in matching:
        assert reachable_codes(view, handler) <= set(declared)


class ShopError(StrEnum):
    SOLD_OUT = "sold_out"
    CLOSED = "closed"


def _check_stock(count: int) -> None:
    if count == 0:
        raise Conflict("sold out", code=ShopError.SOLD_OUT)
    if count < 0:
        raise InvalidTransition("shop", "closed", "sell in")


def _validate(amount: int) -> None:
    if amount < 0:
        raise InvalidInput("negative")


class ShopView:
    action = "buy"
    error_codes = {"buy": "sold_out"}

    def buy(self) -> None:
        _validate(1)
        self._stock()

    def _stock(self) -> None:
        _check_stock(0)


def test_the_walk_follows_calls_and_sees_default_codes(monkeypatch):
    """Through a helper of the view and module functions: enum members and the default code
    of an exception built without `code=`."""
    monkeypatch.setattr("tests.marketplace.codewalk.PROJECT", {"tests", *APPS, "marketplace"})
    assert reachable_codes(ShopView, "buy") == {"sold_out", "invalid_state", "invalid"}
    assert error_codes_of(ShopView(), "POST") == ["sold_out"]  # `invalid_state` undeclared


def test_error_codes_of_reads_an_action_or_a_method():
    class Api:
        error_codes = {"post": "weak_password handle_taken"}

    class Legacy:
        error_codes = (ShopError,)

    assert error_codes_of(Api(), "POST") == ["weak_password", "handle_taken"]
    assert error_codes_of(Api(), "GET") == []
    assert error_codes_of(Legacy(), "GET") == ["sold_out", "closed"]
    assert error_codes_of(object(), "GET") == []
