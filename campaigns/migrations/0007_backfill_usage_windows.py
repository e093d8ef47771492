"""Existing briefs and contracts get a usage term and window.

A brief without a term (and not perpetual, which nobody could say before) gets the default term;
a contract takes its term from its usage-rights snapshot (or the default), and one already
approved starts its window at its approval.
"""

import calendar

from django.db import migrations

DEFAULT_TERM = 12


def _add_months(moment, months):  # type: ignore[no-untyped-def]
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Brief = apps.get_model("campaigns", "Brief")
    Contract = apps.get_model("campaigns", "Contract")
    Brief.objects.filter(usage_term_months__isnull=True, usage_perpetual=False).update(
        usage_term_months=DEFAULT_TERM
    )
    for contract in Contract.objects.filter(rights_term_months__isnull=True).iterator():
        term = (contract.usage_rights or {}).get("term_months") or DEFAULT_TERM
        contract.rights_term_months = term
        if contract.approved_at is not None:
            contract.rights_start = contract.approved_at
            contract.rights_end = _add_months(contract.approved_at, term)
        contract.save(update_fields=["rights_term_months", "rights_start", "rights_end"])


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0006_rights_chain_and_usage_window")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
