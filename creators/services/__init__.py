"""Every write on creators, portfolios, reels and partner applications.

Each change runs in one transaction with the rows it changes locked through `creators.locks`;
moderation and application moves go through `marketplace.audit.transition` with the model's
ALLOWED table. Every refusal carries a `CreatorError` code. One module per sub-domain; every
service is importable from `creators.services`.
"""

from .licences import (
    licence_for,
    model_licence_delete,
    model_licence_save,
    videos_apply_licences,
    videos_build,
    videos_relicense,
)
from .portfolios import (
    portfolio_create,
    portfolio_delete,
    portfolio_update,
)
from .profiles import (
    PROFILE_FIELDS,
    creator_profile_create,
    creator_profile_update,
    creator_set_tier,
    creator_suspend,
    creator_touch,
    creator_unsuspend,
    creator_verify,
    require_profile_owner,
)
from .programme import (
    partner_application_approve,
    partner_application_create,
    partner_application_reject,
)
from .reels import (
    reel_approve,
    reel_create,
    reel_delete,
    reel_reject,
    reel_update,
)
from .showcase import (
    CORPUS_SIZE_SQL,
    EVIDENCE_FIELDS,
    TERM_DF_SQL,
    creator_evidence_refresh,
    creator_refresh_showcase,
    creator_track_record_set,
    creators_evidence_refresh,
    creators_track_record_store,
    term_stats_refresh,
)

__all__ = [
    "PROFILE_FIELDS",
    "creator_profile_create",
    "creator_profile_update",
    "creator_verify",
    "creator_suspend",
    "creator_unsuspend",
    "creator_set_tier",
    "creator_touch",
    "creator_evidence_refresh",
    "creators_evidence_refresh",
    "creator_track_record_set",
    "creators_track_record_store",
    "TERM_DF_SQL",
    "CORPUS_SIZE_SQL",
    "term_stats_refresh",
    "EVIDENCE_FIELDS",
    "creator_refresh_showcase",
    "licence_for",
    "videos_apply_licences",
    "videos_build",
    "videos_relicense",
    "model_licence_save",
    "model_licence_delete",
    "require_profile_owner",
    "portfolio_create",
    "portfolio_update",
    "portfolio_delete",
    "reel_create",
    "reel_update",
    "reel_delete",
    "reel_approve",
    "reel_reject",
    "partner_application_create",
    "partner_application_approve",
    "partner_application_reject",
]
