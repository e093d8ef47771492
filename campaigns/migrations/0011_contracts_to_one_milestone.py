"""Every contract made before milestones becomes a one-milestone contract in its state: the
milestone holds its whole amount, fee, status, revisions, refund agreement and dates; its
deliveries and disputes are attached to that milestone."""

from django.db import migrations

COMPLETED = ("approved", "paid")


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Contract = apps.get_model("campaigns", "Contract")
    Milestone = apps.get_model("campaigns", "Milestone")
    Delivery = apps.get_model("campaigns", "Delivery")
    Dispute = apps.get_model("campaigns", "Dispute")
    for contract in Contract.objects.filter(milestones__isnull=True).order_by("pk").iterator():
        milestone = Milestone.objects.create(
            contract_id=contract.pk,
            position=1,
            title="Whole contract",
            amount=contract.amount,
            currency=contract.currency,
            fee=contract.fee,
            creator_net=contract.creator_net,
            due_date=contract.delivery_deadline,
            status=contract.status,
            max_revisions=contract.max_revisions,
            revisions_used=contract.revisions_used,
            refund_requested_by_brand=contract.refund_requested_by_brand,
            refund_requested_by_creator=contract.refund_requested_by_creator,
            funded_at=contract.funded_at,
            delivered_at=contract.delivered_at,
            approved_at=contract.approved_at,
            paid_at=contract.paid_at,
            created_at=contract.created_at,
        )
        Delivery.objects.filter(contract_id=contract.pk).update(milestone=milestone)
        Dispute.objects.filter(contract_id=contract.pk).update(milestone=milestone)
        if contract.status in COMPLETED:
            Contract.objects.filter(pk=contract.pk).update(completion_recorded=True)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The contract rows kept their status and money; only the milestones go.
    apps.get_model("campaigns", "Delivery").objects.update(milestone=None)
    apps.get_model("campaigns", "Dispute").objects.update(milestone=None)
    apps.get_model("campaigns", "Milestone").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0010_milestones_change_orders_test_shots")]

    operations = [migrations.RunPython(forwards, backwards)]
