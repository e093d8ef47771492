"""Every write on creators, portfolios, reels and partner applications.

Each change runs in one transaction with the rows it changes locked through `creators.locks`;
moderation and application moves go through `marketplace.audit.transition` with the model's
ALLOWED table. Every refusal carries a `CreatorError` code.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from marketplace.audit import audit_record, notify_staff, transition
from marketplace.errors import Conflict, Forbidden, InvalidInput
from marketplace.fields import normalise_slugs
from marketplace.guards import require_staff
from marketplace.listcache import lists_changed
from marketplace.models import User

from . import evidence
from .errors import CreatorError
from .locks import lock_application, lock_portfolio, lock_profile, lock_reel
from .models import (
    ApplicationStatus,
    CreatorProfile,
    CreatorSkill,
    GeneratedVideo,
    LicenceVerdict,
    ModelLicence,
    Moderation,
    PartnerApplication,
    Portfolio,
    Reel,
    TermStat,
    Tier,
)

PROFILE_FIELDS = {
    "display_name",
    "bio",
    "country",
    "languages",
    "tags",
    "min_price_per_project",
    "price_per_second",
    "rate_currency",
}


def creator_profile_create(*, user: User, handle: str, display_name: str = "") -> CreatorProfile:
    """Give `user` a creator profile; the handle must be free (checked by the caller's input)."""
    handle = handle.lower()
    if CreatorProfile.objects.filter(handle=handle).exists():
        raise InvalidInput("this handle is taken", code=CreatorError.HANDLE_TAKEN, field="handle")
    return CreatorProfile.objects.create(
        user=user, handle=handle, display_name=display_name or handle
    )


@transaction.atomic
def creator_profile_update(
    *, actor: User, profile: CreatorProfile, data: dict[str, Any]
) -> CreatorProfile:
    """A creator edits their own public profile and rate card; tier and flags are staff-only."""
    if profile.user_id != actor.pk:
        raise Forbidden("you can edit only your own profile", code=CreatorError.NOT_PROFILE_OWNER)
    profile = lock_profile(profile.pk)
    for key, value in data.items():
        if key not in PROFILE_FIELDS:
            continue
        if key in {"tags", "languages"}:
            value = normalise_slugs(value)
        if key in {"country", "rate_currency"} and value:
            value = value.upper()
        setattr(profile, key, value)
    profile.save()
    if "tags" in data:
        # A claimed tag is (weak) evidence for matching.
        creator_evidence_refresh(creator_id=profile.pk)
        profile.refresh_from_db()
    lists_changed("creators")
    return profile


@transaction.atomic
def creator_verify(*, actor: User, profile: CreatorProfile) -> CreatorProfile:
    """Staff mark a creator verified."""
    require_staff(actor, what="verify creators")
    profile = lock_profile(profile.pk)
    before = "verified" if profile.verified else "unverified"
    profile.verified = True
    profile.save(update_fields=["verified", "updated_at"])
    lists_changed("creators")
    audit_record(actor=actor, verb="verify", obj=profile, before=before, after="verified")
    return profile


@transaction.atomic
def creator_suspend(*, actor: User, profile: CreatorProfile, reason: str = "") -> CreatorProfile:
    """Staff suspend a creator with a reason: hidden from the public, cannot bid or be matched.

    Their reels' `creator_suspended` flag follows, so the public feed hides them too.
    """
    require_staff(actor, what="suspend creators")
    if not reason.strip():
        raise InvalidInput(
            "a reason is required", code=CreatorError.REASON_REQUIRED, field="reason"
        )
    profile = lock_profile(profile.pk)
    if profile.suspended:
        raise Conflict(
            "the creator is already suspended",
            code=CreatorError.ALREADY_SUSPENDED,
            current_state="suspended",
        )
    profile.suspended = True
    profile.suspended_reason = reason[:300]
    profile.save(update_fields=["suspended", "suspended_reason", "updated_at"])
    Reel.objects.filter(creator=profile).update(creator_suspended=True)
    lists_changed("creators", "reels")
    audit_record(
        actor=actor,
        verb="suspend",
        obj=profile,
        before="active",
        after="suspended",
        data={"reason": reason},
    )
    return profile


@transaction.atomic
def creator_unsuspend(*, actor: User, profile: CreatorProfile) -> CreatorProfile:
    """Staff lift a suspension; their reels' `creator_suspended` flag follows."""
    require_staff(actor, what="lift suspensions")
    profile = lock_profile(profile.pk)
    if not profile.suspended:
        raise Conflict(
            "the creator is not suspended", code=CreatorError.NOT_SUSPENDED, current_state="active"
        )
    profile.suspended = False
    profile.suspended_reason = ""
    profile.save(update_fields=["suspended", "suspended_reason", "updated_at"])
    Reel.objects.filter(creator=profile).update(creator_suspended=False)
    lists_changed("creators", "reels")
    audit_record(actor=actor, verb="unsuspend", obj=profile, before="suspended", after="active")
    return profile


@transaction.atomic
def creator_set_tier(*, actor: User, profile: CreatorProfile, tier: str) -> CreatorProfile:
    """Staff grant a tier (standard, partner or elite)."""
    require_staff(actor, what="grant tiers")
    if tier not in Tier.values:
        raise InvalidInput(f"unknown tier {tier!r}", code=CreatorError.TIER_UNKNOWN, field="tier")
    profile = lock_profile(profile.pk)
    before = profile.tier
    profile.tier = tier
    profile.save(update_fields=["tier", "updated_at"])
    profile.refresh_from_db(fields=["tier_rank"])
    lists_changed("creators")
    audit_record(actor=actor, verb="set_tier", obj=profile, before=before, after=tier)
    return profile


def creator_touch(*, profile_id: int) -> None:
    """Record a bid or a delivery by the creator now: both count as approved activity."""
    now = timezone.now()
    CreatorProfile.objects.filter(pk=profile_id).update(last_deal_at=now)
    CreatorProfile.objects.filter(pk=profile_id).filter(
        Q(last_active_at__isnull=True) | Q(last_active_at__lt=now)
    ).update(last_active_at=now)
    lists_changed("creators")


def _approved_rows(creator_ids: list[int]) -> dict[int, list[evidence.ReelRow]]:
    rows: dict[int, list[evidence.ReelRow]] = {pk: [] for pk in creator_ids}
    approved = Reel.objects.filter(creator_id__in=creator_ids, moderation=Moderation.APPROVED)
    for values in approved.order_by("id").values_list(
        "creator_id",
        "tags",
        "video__model",
        "video__provider",
        "video__width",
        "video__height",
        "terms",
        "title",
        "description",
        "video__prompt",
        "created_at",
        "video__duration_s",
    ):
        (creator_id, tags, model, provider, width, height, terms, title, text, prompt, at, secs) = (
            values
        )
        rows[creator_id].append(
            evidence.ReelRow(
                tags=tags or [],
                model=model,
                provider=provider,
                width=width,
                height=height,
                # Rows written before terms were stored (or in bulk) are tokenized here.
                terms=terms or evidence.reel_terms(title, text, prompt),
                created_at=at,
                duration_s=secs,
            )
        )
    return rows


def creator_evidence_refresh(*, creator_id: int) -> None:
    """Recompute a creator's matching evidence from their approved reels (DESIGN §6 v2).

    Skills, reel tags, tag/model/provider evidence, formats, terms, and `last_active_at` (the
    latest approved reel, bid or delivery; pending and rejected reels never count). Called by
    every reel service that can change what is approved and by profile edits of the tags, in
    the same transaction.
    """
    creators_evidence_refresh(creator_ids=[creator_id])


def creators_evidence_refresh(*, creator_ids: list[int]) -> None:
    """`creator_evidence_refresh` for many creators at once (backfills, the benchmark)."""
    reels = _approved_rows(creator_ids)
    profiles = CreatorProfile.objects.filter(pk__in=creator_ids).order_by("pk")
    skills: list[CreatorSkill] = []
    changed = []
    for profile in profiles.only("pk", "tags", "last_deal_at"):
        rows = reels[profile.pk]
        ev = evidence.compute(rows, profile.tags or [])
        by_model: dict[str, CreatorSkill] = {}
        tags: set[str] = set()
        for row in rows:
            tags.update(row.tags)
            skill = by_model.setdefault(
                row.model,
                CreatorSkill(creator_id=profile.pk, model=row.model, provider=row.provider),
            )
            skill.reel_count += 1
            skill.total_seconds += row.duration_s
        skills.extend(by_model.values())
        profile.reel_tags = sorted(tags)
        profile.tag_evidence = ev.tag_evidence
        profile.model_evidence = ev.model_evidence
        profile.provider_evidence = ev.provider_evidence
        profile.formats = ev.formats
        profile.terms = ev.terms
        profile.last_active_at = evidence.latest(ev.last_reel_at, profile.last_deal_at)
        changed.append(profile)
    CreatorSkill.objects.filter(creator_id__in=creator_ids).delete()
    CreatorSkill.objects.bulk_create(skills)
    CreatorProfile.objects.bulk_update(changed, EVIDENCE_FIELDS)
    lists_changed("creators", "reels")


TERM_DF_SQL = {
    "postgresql": (
        "SELECT k, COUNT(*) FROM {table}, jsonb_object_keys({table}.terms) AS k "
        "WHERE jsonb_typeof({table}.terms) = 'object' GROUP BY k"
    ),
    "sqlite": (
        "SELECT je.key, COUNT(*) FROM {table}, json_each({table}.terms) AS je GROUP BY je.key"
    ),
}
CORPUS_SIZE_SQL = {
    "postgresql": "SELECT COUNT(*) FROM {table} WHERE terms <> '{{}}'::jsonb",
    "sqlite": "SELECT COUNT(*) FROM {table} WHERE json_type(terms) = 'object' AND terms <> '{{}}'",
}


@transaction.atomic
def term_stats_refresh() -> int:
    """Recount the matching corpus statistics from the creators' stored terms.

    `TermStat.df` = how many creators' approved reels contain the term; the reserved row
    `TermStat.CORPUS` holds N, the creators with any term. Replaces the table in one
    transaction, so it is safe to run twice or concurrently with the ranking. Returns N.
    """
    table = CreatorProfile._meta.db_table
    vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    with connection.cursor() as cursor:
        cursor.execute(TERM_DF_SQL[vendor].format(table=table))
        counts = [(term, df) for term, df in cursor.fetchall() if term]
        cursor.execute(CORPUS_SIZE_SQL[vendor].format(table=table))
        corpus = cursor.fetchone()[0]
    TermStat.objects.all().delete()
    TermStat.objects.bulk_create(
        [TermStat(term=TermStat.CORPUS, df=corpus)]
        + [TermStat(term=term[:60], df=df) for term, df in counts],
        batch_size=5000,
        ignore_conflicts=True,
    )
    return corpus


EVIDENCE_FIELDS = [
    "reel_tags",
    "tag_evidence",
    "model_evidence",
    "provider_evidence",
    "formats",
    "terms",
    "last_active_at",
]


# The name the reel services and the demo seed used before the evidence of DESIGN §6 v2.
def creator_refresh_showcase(*, creator_id: int) -> None:
    """Recompute skills, reel tags and matching evidence (see `creator_evidence_refresh`)."""
    creator_evidence_refresh(creator_id=creator_id)


# Portfolios -------------------------------------------------------------------------------


def _require_owner(actor: User, creator_id: int) -> CreatorProfile:
    profile = getattr(actor, "creator_profile", None)
    if profile is None or profile.pk != creator_id:
        raise Forbidden("only the creator may do this", code=CreatorError.NOT_OWNER)
    return profile


def _portfolio_name_taken() -> InvalidInput:
    return InvalidInput(
        "you already have a portfolio with this name",
        code=CreatorError.PORTFOLIO_NAME_TAKEN,
        field="name",
    )


@transaction.atomic
def portfolio_create(*, actor: User, name: str, description: str = "") -> Portfolio:
    """A creator makes a named collection; names are unique per creator."""
    profile = getattr(actor, "creator_profile", None)
    if profile is None:
        raise Forbidden("only creators have portfolios", code=CreatorError.NOT_A_CREATOR)
    if Portfolio.objects.filter(creator=profile, name=name).exists():
        raise _portfolio_name_taken()
    return Portfolio.objects.create(creator=profile, name=name, description=description)


@transaction.atomic
def portfolio_update(*, actor: User, portfolio: Portfolio, data: dict[str, Any]) -> Portfolio:
    """The owner renames or describes a portfolio."""
    _require_owner(actor, portfolio.creator_id)
    portfolio = lock_portfolio(portfolio.pk)
    name = data.get("name", portfolio.name)
    if (
        name != portfolio.name
        and Portfolio.objects.filter(creator_id=portfolio.creator_id, name=name).exists()
    ):
        raise _portfolio_name_taken()
    portfolio.name = name
    portfolio.description = data.get("description", portfolio.description)
    portfolio.save()
    return portfolio


@transaction.atomic
def portfolio_delete(*, actor: User, portfolio: Portfolio) -> None:
    """The owner deletes a portfolio; its reels stay, outside any portfolio."""
    _require_owner(actor, portfolio.creator_id)
    portfolio.delete()
    lists_changed("reels")  # its reels now show no portfolio


# Reels ------------------------------------------------------------------------------------


def _check_portfolio(profile: CreatorProfile, portfolio: Portfolio | None) -> None:
    if portfolio is not None and portfolio.creator_id != profile.pk:
        raise InvalidInput(
            "no such portfolio of yours", code=CreatorError.PORTFOLIO_NOT_FOUND, field="portfolio"
        )


@transaction.atomic
def reel_create(
    *,
    actor: User,
    title: str,
    video: dict[str, Any],
    description: str = "",
    tags: list[str] | None = None,
    portfolio: Portfolio | None = None,
) -> Reel:
    """A creator showcases a reel with its generated video; it waits for moderation."""
    profile = getattr(actor, "creator_profile", None)
    if profile is None:
        raise Forbidden("only creators post reels", code=CreatorError.NOT_A_CREATOR)
    _check_portfolio(profile, portfolio)
    generated = videos_build([video])[0]
    generated.save()
    reel = Reel.objects.create(
        creator=profile,
        portfolio=portfolio,
        video=generated,
        title=title,
        description=description,
        tags=normalise_slugs(tags or []),
        terms=evidence.reel_terms(title, description, generated.prompt),
        creator_suspended=profile.suspended,
    )
    audit_record(actor=actor, verb="create", obj=reel, after=Moderation.PENDING)
    # A pending reel is not activity for matching: it counts once approved.
    notify_staff(
        kind="reel_submitted",
        message=f"Reel “{reel.title}” of @{profile.handle} waits for moderation.",
        obj=reel,
    )
    return reel


@transaction.atomic
def reel_update(*, actor: User, reel: Reel, data: dict[str, Any]) -> Reel:
    """The owner edits a reel; changing the video or the words sends it back to moderation."""
    profile = _require_owner(actor, reel.creator_id)
    reel = lock_reel(reel.pk)
    if "portfolio" in data:
        _check_portfolio(profile, data["portfolio"])
        reel.portfolio = data["portfolio"]
    for key in ("title", "description"):
        if key in data:
            setattr(reel, key, data[key])
    if "tags" in data:
        reel.tags = normalise_slugs(data["tags"])
    if "video" in data:
        for key, value in data["video"].items():
            setattr(reel.video, key, value)
        videos_apply_licences([reel.video])
        reel.video.save()
    reel.terms = evidence.reel_terms(reel.title, reel.description, reel.video.prompt)
    reel.save()
    lists_changed("reels")
    content_changed = bool({"title", "description", "tags", "video"} & data.keys())
    if content_changed and reel.moderation != Moderation.PENDING:
        was_approved = reel.moderation == Moderation.APPROVED
        transition(
            reel,
            to=Moderation.PENDING,
            allowed=Reel.ALLOWED,
            actor=actor,
            verb="resubmit",
            field="moderation",
        )
        notify_staff(
            kind="reel_submitted",
            message=f"Reel “{reel.title}” was edited and waits for moderation again.",
            obj=reel,
        )
        if was_approved:
            creator_refresh_showcase(creator_id=reel.creator_id)
    return reel


@transaction.atomic
def reel_delete(*, actor: User, reel: Reel) -> None:
    """The owner deletes a reel and its video record."""
    _require_owner(actor, reel.creator_id)
    reel = lock_reel(reel.pk)
    video = reel.video
    was_approved = reel.moderation == Moderation.APPROVED
    audit_record(actor=actor, verb="delete", obj=reel, before=reel.moderation, after="deleted")
    reel.delete()
    video.delete()
    lists_changed("reels")
    if was_approved:
        creator_refresh_showcase(creator_id=reel.creator_id)


@transaction.atomic
def reel_approve(*, actor: User, reel: Reel) -> Reel:
    """Staff approve a reel: it becomes public and counts for matching."""
    require_staff(actor, what="approve reels")
    reel = lock_reel(reel.pk)
    reel.moderated_by = actor
    reel.moderated_at = timezone.now()
    reel.rejection_reason = ""
    transition(
        reel,
        to=Moderation.APPROVED,
        allowed=Reel.ALLOWED,
        actor=actor,
        verb="approve",
        field="moderation",
        extra_fields=["moderated_by", "moderated_at", "rejection_reason"],
    )
    creator_refresh_showcase(creator_id=reel.creator_id)
    return reel


@transaction.atomic
def reel_reject(*, actor: User, reel: Reel, reason: str) -> Reel:
    """Staff reject a reel with a reason the creator sees."""
    require_staff(actor, what="reject reels")
    if not reason.strip():
        raise InvalidInput(
            "a reason is required", code=CreatorError.REASON_REQUIRED, field="reason"
        )
    reel = lock_reel(reel.pk)
    reel.moderated_by = actor
    reel.moderated_at = timezone.now()
    reel.rejection_reason = reason[:300]
    was_approved = reel.moderation == Moderation.APPROVED
    transition(
        reel,
        to=Moderation.REJECTED,
        allowed=Reel.ALLOWED,
        actor=actor,
        verb="reject",
        field="moderation",
        extra_fields=["moderated_by", "moderated_at", "rejection_reason"],
        data={"reason": reason},
    )
    lists_changed("reels")
    if was_approved:
        creator_refresh_showcase(creator_id=reel.creator_id)
    return reel


# Partner programme ---------------------------------------------------------------------------


@transaction.atomic
def partner_application_create(
    *, actor: User, statement: str, links: list[str] | None = None
) -> PartnerApplication:
    """A creator applies to the partner programme; one pending application at a time."""
    profile = getattr(actor, "creator_profile", None)
    if profile is None:
        raise Forbidden(
            "only creators can apply to the partner programme", code=CreatorError.NOT_A_CREATOR
        )
    profile = lock_profile(profile.pk)
    if profile.tier != Tier.STANDARD:
        raise Conflict(
            f"you are already in the {profile.tier} tier",
            code=CreatorError.ALREADY_ABOVE_STANDARD,
            current_state=profile.tier,
        )
    if PartnerApplication.objects.filter(
        creator=profile, status=ApplicationStatus.PENDING
    ).exists():
        raise Conflict(
            "you already have a pending application",
            code=CreatorError.APPLICATION_PENDING,
            current_state="pending",
        )
    application = PartnerApplication.objects.create(
        creator=profile, statement=statement, links=links or []
    )
    audit_record(actor=actor, verb="apply", obj=application, after=ApplicationStatus.PENDING)
    notify_staff(
        kind="application_submitted",
        message=f"@{profile.handle} applied to the partner programme.",
        obj=application,
    )
    return application


@transaction.atomic
def partner_application_approve(
    *, actor: User, application: PartnerApplication
) -> PartnerApplication:
    """Staff approve an application and grant the partner tier (never lowering a higher one)."""
    require_staff(actor, what="approve partner applications")
    application = lock_application(application.pk)
    application.reviewer = actor
    application.decided_at = timezone.now()
    transition(
        application,
        to=ApplicationStatus.APPROVED,
        allowed=PartnerApplication.ALLOWED,
        actor=actor,
        verb="approve",
        extra_fields=["reviewer", "decided_at"],
    )
    profile = lock_profile(application.creator_id)
    if profile.tier == Tier.STANDARD:
        creator_set_tier(actor=actor, profile=profile, tier=Tier.PARTNER)
    return application


@transaction.atomic
def partner_application_reject(
    *, actor: User, application: PartnerApplication, reason: str
) -> PartnerApplication:
    """Staff reject an application with a reason."""
    require_staff(actor, what="reject partner applications")
    if not reason.strip():
        raise InvalidInput(
            "a reason is required", code=CreatorError.REASON_REQUIRED, field="reason"
        )
    application = lock_application(application.pk)
    application.reviewer = actor
    application.reason = reason[:500]
    application.decided_at = timezone.now()
    return transition(
        application,
        to=ApplicationStatus.REJECTED,
        allowed=PartnerApplication.ALLOWED,
        actor=actor,
        verb="reject",
        extra_fields=["reviewer", "reason", "decided_at"],
    )


# Model licences ---------------------------------------------------------------------------


def licence_for(video: GeneratedVideo, licences: Sequence[ModelLicence]) -> ModelLicence | None:
    """The licence row of the video's provider and plan whose model prefix is the longest
    that the video's model starts with; None without a plan or a matching row."""
    if not video.plan:
        return None
    best: ModelLicence | None = None
    for row in licences:
        if row.provider != video.provider or row.plan != video.plan:
            continue
        if not video.model.startswith(row.model_prefix):
            continue
        if best is None or len(row.model_prefix) > len(best.model_prefix):
            best = row
    return best


def videos_apply_licences(
    videos: Iterable[GeneratedVideo], *, licences: Sequence[ModelLicence] | None = None
) -> list[GeneratedVideo]:
    """Set each video's licence row and verdict (allowed, not_allowed, conditional, or
    unknown without a plan or a row), reading the licence table once. Nothing is saved."""
    videos = list(videos)
    if licences is None:
        providers = {v.provider for v in videos if v.plan}
        licences = list(ModelLicence.objects.filter(provider__in=providers)) if providers else []
    for video in videos:
        row = licence_for(video, licences)
        video.licence = row
        video.licence_verdict = row.commercial_use if row is not None else LicenceVerdict.UNKNOWN
    return videos


def videos_build(items: Iterable[dict[str, Any]]) -> list[GeneratedVideo]:
    """Unsaved videos from validated input, each with its licence verdict."""
    return videos_apply_licences(GeneratedVideo(**item) for item in items)


def videos_relicense(*, provider: str, batch: int = 2000) -> int:
    """Recompute the verdict of every video of `provider` after its licence rows changed;
    answers how many changed. Runs in the caller's transaction."""
    licences = list(ModelLicence.objects.filter(provider=provider))
    changed = 0
    qs = GeneratedVideo.objects.filter(provider=provider).only(
        "id", "provider", "model", "plan", "licence", "licence_verdict"
    )
    pending: list[GeneratedVideo] = []
    for video in qs.iterator(chunk_size=batch):
        before = (video.licence_id, video.licence_verdict)
        videos_apply_licences([video], licences=licences)
        if (video.licence_id, video.licence_verdict) != before:
            pending.append(video)
        if len(pending) >= batch:
            changed += GeneratedVideo.objects.bulk_update(pending, ["licence", "licence_verdict"])
            pending = []
    if pending:
        changed += GeneratedVideo.objects.bulk_update(pending, ["licence", "licence_verdict"])
    return changed


@transaction.atomic
def model_licence_save(*, actor: User, licence: ModelLicence, created: bool) -> ModelLicence:
    """Staff add or edit what a generator plan allows; every video of the provider gets its
    verdict again. Audit row."""
    require_staff(actor, what="edit model licences")
    licence.full_clean()
    licence.save()
    changed = videos_relicense(provider=licence.provider)
    audit_record(
        actor=actor,
        verb="create" if created else "update",
        obj=licence,
        after=licence.commercial_use,
        data={"videos_relicensed": changed},
    )
    return licence


@transaction.atomic
def model_licence_delete(*, actor: User, licence: ModelLicence) -> None:
    """Staff remove a licence row; the provider's videos get their verdict again."""
    require_staff(actor, what="delete model licences")
    provider = licence.provider
    audit_record(actor=actor, verb="delete", obj=licence, before=licence.commercial_use)
    licence.delete()
    videos_relicense(provider=provider)
