"""Money in the admin: contracts and disputes, read-only history (ledger, payments, transfers,
webhook log) and the actions staff take (refund, resolve, retry), each through a service.

The contract and dispute rows are campaigns' models (their admin URLs stay under
/admin/campaigns/); what staff do to them moves money, so their admin lives here. Importing
this package registers every model admin of its modules.
"""

from django.contrib import admin

from .contracts import (
    MILESTONE_MONEY,
    ContractAdmin,
    MilestoneAdmin,
    MilestoneInline,
    MoneyColumns,
    RightsStateFilter,
    milestones_with_money,
)
from .disputes import (
    ChangeOrderAdmin,
    DisputeAdmin,
)
from .money import (
    JournalEntryAdmin,
    JournalLineInline,
    LedgerAccountAdmin,
    PaymentAdmin,
    PayoutAccountAdmin,
    RefundAdmin,
    StripeEventAdmin,
    TransferAdmin,
)
from .work_items import MoneyWorkItemAdmin

# The index shows the staff's work queues (payments/staff_queues.py) above the app list.
admin.site.index_template = "admin/staff_index.html"

__all__ = [
    "RightsStateFilter",
    "milestones_with_money",
    "MoneyColumns",
    "MILESTONE_MONEY",
    "MilestoneInline",
    "MilestoneAdmin",
    "ContractAdmin",
    "PayoutAccountAdmin",
    "PaymentAdmin",
    "TransferAdmin",
    "RefundAdmin",
    "JournalLineInline",
    "JournalEntryAdmin",
    "LedgerAccountAdmin",
    "StripeEventAdmin",
    "DisputeAdmin",
    "ChangeOrderAdmin",
    "MoneyWorkItemAdmin",
]
