"""Every call to Stripe, through the official SDK's StripeClient, each with an idempotency key
made from our own ids. Errors become domain errors: a card decline is 402, a rate limit or a
network failure (after the SDK's retries) is 503 and safe to call again."""

import logging
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

import stripe
from django.conf import settings

from marketplace.errors import CommonError, DomainError, PaymentFailed, ServiceUnavailable

from .errors import PaymentError

logger = logging.getLogger(__name__)
T = TypeVar("T")


class GatewayRejected(DomainError):
    """Stripe refused the request for a business reason (not a transient failure)."""

    status_code = 409
    code = PaymentError.PROVIDER_REJECTED


@lru_cache(maxsize=4)
def _client(key: str, base: str, retries: int) -> stripe.StripeClient:
    kwargs: dict[str, Any] = {"max_network_retries": retries}
    if base:
        kwargs["base_addresses"] = {"api": base, "connect": base, "files": base}
    return stripe.StripeClient(key, **kwargs)


def client() -> stripe.StripeClient:
    """The StripeClient for the configured key and base address (the sandbox when local)."""
    return _client(
        settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE, settings.STRIPE_MAX_NETWORK_RETRIES
    )


@lru_cache(maxsize=4)
def _probe_client(key: str, base: str) -> stripe.StripeClient:
    kwargs: dict[str, Any] = {
        "max_network_retries": 0,
        "http_client": stripe.new_default_http_client(timeout=3),
    }
    if base:
        kwargs["base_addresses"] = {"api": base, "connect": base, "files": base}
    return stripe.StripeClient(key, **kwargs)


def ping() -> None:
    """Raise unless Stripe answers a cheap authenticated call within 3 seconds (health)."""
    _probe_client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE).v1.balance.retrieve()


def _call(what: str, fn: Callable[[], T]) -> T:
    # Every call is a log line (with the request id that started the work, from the logging
    # filter), so one request can be followed from the API into Stripe.
    started = time.monotonic()
    outcome = "error"
    try:
        result = fn()
        outcome = "ok"
        return result
    except stripe.CardError as exc:
        raise PaymentFailed(
            exc.user_message or "the card was declined",
            code=CommonError.PAYMENT_FAILED,
            decline_code=exc.code,
        ) from exc
    except (stripe.RateLimitError, stripe.APIConnectionError) as exc:
        logger.warning("stripe %s unavailable: %s", what, exc)
        raise ServiceUnavailable(
            "the payment provider is unavailable; nothing was changed, please retry",
            code=CommonError.SERVICE_UNAVAILABLE,
        ) from exc
    except stripe.IdempotencyError as exc:
        logger.error("stripe %s idempotency conflict: %s", what, exc)
        raise GatewayRejected(
            "this request conflicts with an earlier one; reload and try again",
            code=PaymentError.IDEMPOTENCY_CONFLICT,
            stripe_code="idempotency_error",
        ) from exc
    except stripe.InvalidRequestError as exc:
        logger.warning("stripe %s rejected: %s", what, exc)
        raise GatewayRejected(
            exc.user_message or str(exc),
            code=PaymentError.PROVIDER_REJECTED,
            stripe_code=exc.code or "",
        ) from exc
    except stripe.StripeError as exc:
        # APIError (5xx after retries), authentication and permission errors.
        logger.error("stripe %s failed: %s", what, exc)
        raise ServiceUnavailable(
            "the payment provider failed; nothing was changed, please retry",
            code=CommonError.SERVICE_UNAVAILABLE,
        ) from exc
    finally:
        logger.info(
            "stripe %s %s",
            what,
            outcome,
            extra={
                "stripe_call": what,
                "outcome": outcome,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )


def _opts(key: str, **extra: Any) -> dict[str, Any]:
    return {"idempotency_key": key, **extra}


def create_account(*, creator_id: int, email: str, country: str) -> stripe.Account:
    params: dict[str, Any] = {
        "type": "express",
        "email": email,
        "capabilities": {"transfers": {"requested": True}},
        "metadata": {"creator_id": str(creator_id)},
    }
    if country:
        params["country"] = country
    return _call(
        "accounts.create",
        lambda: client().v1.accounts.create(
            params=params, options=_opts(f"account-creator-{creator_id}")
        ),
    )


def retrieve_account(account_id: str) -> stripe.Account:
    return _call("accounts.retrieve", lambda: client().v1.accounts.retrieve(account_id))


def create_account_link(*, account_id: str, creator_id: int, nonce: str) -> stripe.AccountLink:
    base = settings.FRONTEND_URL.rstrip("/")
    params = {
        "account": account_id,
        "refresh_url": f"{base}/api/v1/payments/onboarding/",
        "return_url": f"{base}/api/v1/payments/account/",
        "type": "account_onboarding",
    }
    return _call(
        "account_links.create",
        lambda: client().v1.account_links.create(
            params=params, options=_opts(f"account-link-creator-{creator_id}-{nonce}")
        ),
    )


def create_payment_intent(
    *,
    contract_id: int,
    amount: int,
    currency: str,
    brand_id: int,
    key: str,
    payment_id: int,
    milestone_ids: list[int],
) -> stripe.PaymentIntent:
    """One PaymentIntent per funding (`key` is the payment's own: `pi-contract-<id>` or
    `pi-milestones-<sorted ids>`); the metadata names the milestones it funds."""
    params = {
        "amount": amount,
        "currency": currency.lower(),
        "transfer_group": f"contract-{contract_id}",
        "metadata": {
            "contract_id": str(contract_id),
            "brand_id": str(brand_id),
            "payment_id": str(payment_id),
            "milestone_ids": ",".join(str(pk) for pk in milestone_ids),
        },
        "description": f"Reelmatch contract {contract_id}",
    }
    return _call(
        "payment_intents.create",
        lambda: client().v1.payment_intents.create(params=params, options=_opts(key)),
    )


def confirm_payment_intent(
    *, intent_id: str, payment_method: str, key: str, attempt: int
) -> stripe.PaymentIntent:
    # `pi-contract-7` confirms as `confirm-contract-7-<attempt>-<method>`, as before milestones.
    base = key.removeprefix("pi-")
    return _call(
        "payment_intents.confirm",
        lambda: client().v1.payment_intents.confirm(
            intent_id,
            params={"payment_method": payment_method},
            # The method is part of the key: a retry with another card is another request.
            options=_opts(f"confirm-{base}-{attempt}-{payment_method}"),
        ),
    )


def retrieve_payment_intent(intent_id: str) -> stripe.PaymentIntent:
    return _call(
        "payment_intents.retrieve", lambda: client().v1.payment_intents.retrieve(intent_id)
    )


def retrieve_charge(charge_id: str) -> stripe.Charge:
    """A charge as Stripe holds it now (its refunded amount), to confirm a refund event."""
    return _call("charges.retrieve", lambda: client().v1.charges.retrieve(charge_id))


def retrieve_transfer(transfer_id: str) -> stripe.Transfer:
    """A transfer as Stripe holds it now (its reversed amount), to confirm a reversal event."""
    return _call("transfers.retrieve", lambda: client().v1.transfers.retrieve(transfer_id))


def is_missing(exc: GatewayRejected) -> bool:
    """Whether Stripe refused because the object does not exist (a forged or foreign id)."""
    return exc.extra.get("stripe_code") == "resource_missing"


def create_transfer(
    *,
    key: str,
    contract_id: int,
    milestone_id: int,
    amount: int,
    currency: str,
    destination: str,
    source_charge: str,
    attempt: int,
) -> stripe.Transfer:
    """The payout of one milestone; `key` is the transfer's own (`transfer-milestone-<id>`, or
    `transfer-contract-<id>` for a contract paid before milestones)."""
    params: dict[str, Any] = {
        "amount": amount,
        "currency": currency.lower(),
        "destination": destination,
        "transfer_group": f"contract-{contract_id}",
        "metadata": {"contract_id": str(contract_id), "milestone_id": str(milestone_id)},
    }
    if source_charge:
        params["source_transaction"] = source_charge
    full_key = key + (f"-{attempt}" if attempt else "")
    return _call(
        "transfers.create",
        lambda: client().v1.transfers.create(params=params, options=_opts(full_key)),
    )


def transfers_for_contract(contract_id: int) -> list[stripe.Transfer]:
    """Transfers Stripe holds for the contract's transfer group (to find one we lost track of)."""
    result = _call(
        "transfers.list",
        lambda: client().v1.transfers.list(
            params={"transfer_group": f"contract-{contract_id}", "limit": 100}
        ),
    )
    return list(result.data)


def transfers_since(created_gte: int) -> list[stripe.Transfer]:
    """Every transfer Stripe holds made at or after `created_gte` (a Unix time), newest first."""
    found: list[stripe.Transfer] = []
    params: dict[str, Any] = {"limit": 100, "created": {"gte": created_gte}}
    while True:
        page = _call("transfers.list", lambda p=params: client().v1.transfers.list(params=p))
        found.extend(page.data)
        if not page.has_more or not page.data:
            return found
        params = {**params, "starting_after": page.data[-1].id}


def reverse_transfer(
    *, transfer_id: str, amount: int, contract_id: int, key: str
) -> stripe.TransferReversal:
    # `transfer-milestone-3` reverses as `reverse-transfer-milestone-3`.
    return _call(
        "transfers.reversals.create",
        lambda: client().v1.transfers.reversals.create(
            transfer_id,
            params={"amount": amount, "metadata": {"contract_id": str(contract_id)}},
            options=_opts(f"reverse-{key}"),
        ),
    )


def create_refund(
    *, refund_id: int, payment_intent: str, amount: int, contract_id: int
) -> stripe.Refund:
    params = {
        "payment_intent": payment_intent,
        "amount": amount,
        "metadata": {"contract_id": str(contract_id), "refund_id": str(refund_id)},
    }
    return _call(
        "refunds.create",
        lambda: client().v1.refunds.create(params=params, options=_opts(f"refund-{refund_id}")),
    )


def platform_balance() -> dict[str, int]:
    """Platform balance per upper-case currency, available plus pending, as Stripe reports it
    (new charges settle into `pending` first)."""
    balance = _call("balance.retrieve", lambda: client().v1.balance.retrieve())
    totals: dict[str, int] = {}
    for item in [*balance.available, *(balance.pending or [])]:
        totals[item.currency.upper()] = totals.get(item.currency.upper(), 0) + item.amount
    return totals


def construct_event(payload: bytes, signature: str, secret: str) -> stripe.Event:
    """Verify a webhook's signature and age; raises ValueError or SignatureVerificationError."""
    return stripe.Webhook.construct_event(
        payload, signature, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
    )
