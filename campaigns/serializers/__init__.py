"""Input and output shapes for brands, IP, briefs, invitations, bids and contracts.

Input serializers check the shape of each field; the services check the rules that span fields
or rows. Output serializers read only what the selectors loaded for the page. One module per
sub-domain; every name is importable from `campaigns.serializers`.
"""

from .bids import (
    BidCreateSerializer,
    BidMilestoneSerializer,
    BidSerializer,
    SampleReelSerializer,
)
from .brands import (
    BrandSerializer,
    IPAssetSerializer,
    IPAssetUpdateSerializer,
    LicenceTermsSerializer,
    MemberAddSerializer,
    MemberInvitationSerializer,
    MemberSerializer,
    ReceivedMemberInvitationSerializer,
)
from .briefs import (
    DELIVERABLE_KEYS,
    BriefSerializer,
    BriefUpdateSerializer,
    BriefUsageRightsSerializer,
    BriefWriteSerializer,
    DeliverableSerializer,
    GenerationCostSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    OptionalReasonSerializer,
    RejectionSerializer,
    brief_list_item,
)
from .common import (
    MAX_AMOUNT,
    MAX_ID,
    ChannelListField,
    TerritoryListField,
    check_currency,
    term_field,
)
from .contracts import (
    BidAcceptSerializer,
    ChangeOrderCreateSerializer,
    ChangeOrderSerializer,
    ContractRightsSerializer,
    ContractSerializer,
    FeePreviewQuerySerializer,
    FeePreviewSerializer,
    IPChainSerializer,
    MilestoneSerializer,
    RightsWindowSerializer,
    TestShotCreateSerializer,
)

__all__ = [
    "MAX_AMOUNT",
    "MAX_ID",
    "TerritoryListField",
    "ChannelListField",
    "term_field",
    "check_currency",
    "BrandSerializer",
    "MemberSerializer",
    "MemberAddSerializer",
    "MemberInvitationSerializer",
    "ReceivedMemberInvitationSerializer",
    "LicenceTermsSerializer",
    "IPAssetSerializer",
    "IPAssetUpdateSerializer",
    "DeliverableSerializer",
    "BriefWriteSerializer",
    "BriefUpdateSerializer",
    "BriefUsageRightsSerializer",
    "GenerationCostSerializer",
    "BriefSerializer",
    "DELIVERABLE_KEYS",
    "brief_list_item",
    "RejectionSerializer",
    "OptionalReasonSerializer",
    "InvitationCreateSerializer",
    "InvitationSerializer",
    "BidMilestoneSerializer",
    "BidCreateSerializer",
    "SampleReelSerializer",
    "BidSerializer",
    "RightsWindowSerializer",
    "IPChainSerializer",
    "MilestoneSerializer",
    "ContractSerializer",
    "ContractRightsSerializer",
    "ChangeOrderCreateSerializer",
    "ChangeOrderSerializer",
    "TestShotCreateSerializer",
    "BidAcceptSerializer",
    "FeePreviewQuerySerializer",
    "FeePreviewSerializer",
]
