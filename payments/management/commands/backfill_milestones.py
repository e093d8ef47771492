"""Attach to milestones what the previous release's code wrote while this release's schema was
already in place (its contracts, deliveries, disputes, payments, transfers, refunds, ledger
entries). Run once after the last process of the previous release has stopped; safe to run
again (it only touches rows still missing a milestone or a key)."""

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns.models import Delivery, Dispute, Milestone

# The data migrations that moved the release before milestones onto them: both only touch rows
# without a milestone, so they are the backfill.
_CONTRACTS = "campaigns.migrations.0011_contracts_to_one_milestone"
_MONEY = "payments.migrations.0004_money_to_milestones"


def backfill_milestones() -> dict[str, int]:
    """Give every contract without milestones its one milestone, attach milestone-less
    deliveries and disputes to their contract's first milestone, then the money rows; returns
    how many rows were missing each."""
    with transaction.atomic():
        missing = {
            "contracts": apps.get_model("campaigns", "Contract")
            .objects.filter(milestones__isnull=True)
            .count(),
            "deliveries": Delivery.objects.filter(milestone__isnull=True).count(),
            "disputes": Dispute.objects.filter(milestone__isnull=True).count(),
        }
        import_module(_CONTRACTS).forwards(apps, None)
        first = dict(
            Milestone.objects.filter(position=1).values_list("contract_id", "pk").iterator()
        )
        for model in (Delivery, Dispute):
            for row_id, contract_id in model.objects.filter(milestone__isnull=True).values_list(
                "pk", "contract_id"
            ):
                model.objects.filter(pk=row_id).update(milestone_id=first[contract_id])
        import_module(_MONEY).forwards(apps, None)
    return missing


class Command(BaseCommand):
    help = (
        "After an upgrade from the release before milestones: attach what its code wrote "
        "during the upgrade to milestones (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        missing = backfill_milestones()
        summary = ", ".join(f"{count} {name}" for name, count in missing.items())
        self.stdout.write(f"backfill_milestones: done ({summary} had no milestone)")
