"""Model licences: which terms of which AI model a generated video was made under."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from marketplace.audit import audit_record
from marketplace.guards import require_staff
from marketplace.models import User

from ..models import (
    GeneratedVideo,
    LicenceVerdict,
    ModelLicence,
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
