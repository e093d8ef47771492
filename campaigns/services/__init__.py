"""Every write on brands, IP, briefs, invitations and bids, one module per sub-domain.

`common` holds the guards and validation the others share; `brands`, `briefs`, `invitations` and
`bids` (which creates the contract of an accepted bid) hold the services. Each state change runs
in one transaction with the rows it changes locked through `campaigns.locks`, and status moves
go through `marketplace.audit.transition` with the model's ALLOWED table.

The names below are the public services, so `from campaigns.services import brand_create` and
`services.bid_accept(...)` work wherever they are called from.
"""

from .bids import (
    bid_accept,
    bid_create,
    bid_reject,
    bid_shortlist,
    bid_update,
    bid_withdraw,
    bids_reject_live,
)
from .brands import (
    brand_create,
    brand_member_remove,
    brand_update,
    ip_create,
    ip_delete,
    ip_update,
    member_invitation_accept,
    member_invitation_confirm,
    member_invitation_create,
    member_invitation_decline,
    member_invitation_revoke,
)
from .briefs import (
    PLAIN_BRIEF_FIELDS,
    brief_approve,
    brief_cancel,
    brief_close,
    brief_complete_if_finished,
    brief_create,
    brief_expire,
    brief_reject,
    brief_submit,
    brief_update,
    briefs_close_expired,
)
from .change_orders import (
    change_order_accept,
    change_order_decline,
    change_order_propose,
    change_order_withdraw,
)
from .common import brief_usage_rights, deliverables_normalise, deliverables_total_seconds
from .contracts import (
    contract_party_side,
    contract_status_of,
    contract_sync_status,
    milestone_append,
    milestones_check,
    milestones_snapshot,
)
from .invitations import invitation_create, invitation_decline
from .rights import (
    brief_close_ip_ended,
    briefs_close_ip_ended,
    contract_rights_extend,
    contract_rights_start,
    contract_rights_start_if_due,
    delivery_licence_check,
    delivery_licence_clear,
    delivery_licence_flag,
    rights_extension_funding_check,
    rights_notice_send,
    rights_notices_send,
)
from .shots import grant_test_shot_rights, paid_shot_minimum_fee, paid_shot_offer
from .verification import (
    brand_verification_approve,
    brand_verification_reject,
    brand_verification_request,
)

__all__ = [
    "brand_verification_approve",
    "brand_verification_reject",
    "brand_verification_request",
    "PLAIN_BRIEF_FIELDS",
    "bid_accept",
    "bid_create",
    "bid_reject",
    "bid_shortlist",
    "bid_update",
    "bid_withdraw",
    "bids_reject_live",
    "brand_create",
    "brand_member_remove",
    "brand_update",
    "brief_approve",
    "brief_close_ip_ended",
    "brief_cancel",
    "brief_close",
    "brief_complete_if_finished",
    "brief_create",
    "brief_expire",
    "brief_reject",
    "brief_submit",
    "brief_update",
    "brief_usage_rights",
    "briefs_close_expired",
    "briefs_close_ip_ended",
    "contract_rights_extend",
    "contract_rights_start",
    "contract_rights_start_if_due",
    "rights_extension_funding_check",
    "change_order_accept",
    "change_order_decline",
    "change_order_propose",
    "change_order_withdraw",
    "contract_party_side",
    "contract_status_of",
    "contract_sync_status",
    "grant_test_shot_rights",
    "milestone_append",
    "milestones_check",
    "milestones_snapshot",
    "paid_shot_minimum_fee",
    "paid_shot_offer",
    "deliverables_normalise",
    "deliverables_total_seconds",
    "delivery_licence_check",
    "delivery_licence_clear",
    "delivery_licence_flag",
    "invitation_create",
    "invitation_decline",
    "ip_create",
    "ip_delete",
    "ip_update",
    "rights_notice_send",
    "rights_notices_send",
    "member_invitation_accept",
    "member_invitation_confirm",
    "member_invitation_create",
    "member_invitation_decline",
    "member_invitation_revoke",
]
