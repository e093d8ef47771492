"""Attach the money of every contract made before milestones to its one milestone: the payment
covers it (and keeps its key `pi-contract-<id>`), the transfer pays it (and keeps its key
`transfer-contract-<id>`), its refunds and ledger entries name it."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Milestone = apps.get_model("campaigns", "Milestone")
    Payment = apps.get_model("payments", "Payment")
    PaymentItem = apps.get_model("payments", "PaymentItem")
    Transfer = apps.get_model("payments", "Transfer")
    Refund = apps.get_model("payments", "Refund")
    JournalEntry = apps.get_model("payments", "JournalEntry")
    first = {}
    for contract_id, milestone_id in (
        Milestone.objects.filter(position=1).values_list("contract_id", "pk").iterator()
    ):
        first[contract_id] = milestone_id
    for payment in Payment.objects.filter(idempotency_key__isnull=True).iterator():
        milestone_id = first[payment.contract_id]
        Payment.objects.filter(pk=payment.pk).update(
            idempotency_key=f"pi-contract-{payment.contract_id}"
        )
        PaymentItem.objects.get_or_create(
            payment_id=payment.pk, milestone_id=milestone_id, defaults={"amount": payment.amount}
        )
    for transfer in Transfer.objects.filter(milestone__isnull=True).iterator():
        Transfer.objects.filter(pk=transfer.pk).update(
            milestone_id=first[transfer.contract_id],
            idempotency_key=f"transfer-contract-{transfer.contract_id}",
        )
    for refund in Refund.objects.filter(milestone__isnull=True).iterator():
        Refund.objects.filter(pk=refund.pk).update(milestone_id=first[refund.contract_id])
    for entry in JournalEntry.objects.filter(contract__isnull=False, milestone__isnull=True):
        JournalEntry.objects.filter(pk=entry.pk).update(milestone_id=first[entry.contract_id])


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("payments", "PaymentItem").objects.all().delete()
    apps.get_model("payments", "JournalEntry").objects.update(milestone=None)
    apps.get_model("payments", "Refund").objects.update(milestone=None)
    apps.get_model("payments", "Transfer").objects.update(milestone=None, idempotency_key=None)
    apps.get_model("payments", "Payment").objects.update(idempotency_key=None)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0003_payments_per_milestone"),
        ("campaigns", "0011_contracts_to_one_milestone"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
