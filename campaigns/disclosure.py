"""The disclosure pack of a contract: the AI-content labels each destination expects and a
C2PA-style assertion set, built from the delivered videos' provenance.

Nothing here signs anything: the assertions are what a C2PA signer (the brand's or the
creator's tool holding a certificate) would embed, and the pack says so (`signed: false`).
Pure functions over rows the caller loaded; no queries of their own.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from creators.models import GeneratedVideo, Provider
from marketplace.countries import EU_MEMBER_STATES, WORLDWIDE

from .models import Contract, Delivery

DESTINATIONS = ("youtube", "tiktok", "meta", "eu", "china")


@dataclass(frozen=True)
class PackDelivery:
    """One delivery the pack covers, its videos, and whether the brand holds the rights to
    use them (`licensed`: the work was paid for) or they still wait for its review."""

    delivery: Delivery
    videos: list[GeneratedVideo]
    licensed: bool


TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
EU_AI_ACT_ART50_FROM = "2026-08-02"
CHINA_LABELLING_FROM = "2025-09-01"

# Channels (usage-rights slugs) that put the videos on each platform.
PLATFORM_CHANNELS = {
    "youtube": {"youtube", "youtube-shorts"},
    "tiktok": {"tiktok"},
    "meta": {"instagram", "facebook"},
}
# Channels that reach every social platform.
BROAD_CHANNELS = {"social", "paid-social"}


def _generators(videos: Sequence[GeneratedVideo]) -> list[str]:
    names: list[str] = []
    for video in videos:
        name = f"{Provider(video.provider).label} {video.model}"
        if name not in names:
            names.append(name)
    return names


def _platform_applies(platform: str, channels: list[str]) -> bool:
    if not channels:
        return True  # all channels
    return bool(set(channels) & (PLATFORM_CHANNELS[platform] | BROAD_CHANNELS))


def _region_applies(codes: set[str], territories: list[str]) -> bool:
    if not territories or WORLDWIDE in territories:
        return True
    return bool(codes & set(territories))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def video_provenance(video: GeneratedVideo) -> dict[str, Any]:
    """What we know of how one delivered video was made (as the creator declared it)."""
    return {
        "id": video.pk,
        "video_url": video.video_url,
        "provider": video.provider,
        "model": video.model,
        "plan": video.plan or None,
        "licence_verdict": video.licence_verdict,
        "mode": video.mode,
        "generated_at": _iso(video.generated_at),
        "provider_task_id": video.provider_task_id or None,
        "duration_s": video.duration_s,
        "width": video.width,
        "height": video.height,
        "fps": video.fps,
    }


def c2pa_assertions(
    video: GeneratedVideo, *, contract: Contract, delivery: Delivery | None = None
) -> dict[str, Any]:
    """An unsigned C2PA-style manifest for one video: a `c2pa.actions` assertion saying it was
    created by a trained algorithm (IPTC digital source type), the generator as software
    agent, and the prompt-free parameters we hold. Ready for a signer; not signed."""
    created: dict[str, Any] = {
        "action": "c2pa.created",
        "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
        "softwareAgent": {"name": Provider(video.provider).label, "version": video.model},
        "parameters": {
            "mode": video.mode,
            "provider_task_id": video.provider_task_id or None,
            "plan": video.plan or None,
        },
    }
    if video.generated_at is not None:
        created["when"] = video.generated_at.isoformat()
    return {
        "claim_generator_info": [{"name": "Reelmatch disclosure pack", "version": "1"}],
        "title": video.video_url.rsplit("/", 1)[-1] or video.video_url,
        "signed": False,
        "signature": None,
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [created]}},
            {
                "label": "org.reelmatch.contract",
                "data": {
                    "contract": contract.pk,
                    "delivery": delivery.pk if delivery is not None else None,
                    "video": video.pk,
                    "video_url": video.video_url,
                },
            },
        ],
    }


def destination_labels(
    *, videos: Sequence[GeneratedVideo], usage_rights: dict[str, Any], contract: Contract
) -> dict[str, dict[str, Any]]:
    """The label and setting each destination expects, and whether the contract's channels and
    territories reach it (`applies`)."""
    channels = list(usage_rights.get("channels") or [])
    territories = list(usage_rights.get("territories") or [])
    return {**_platform_labels(channels), **_region_labels(videos, territories)}


def _platform_labels(channels: list[str]) -> dict[str, dict[str, Any]]:
    """What YouTube, TikTok and Meta ask an uploader to set for AI-generated video."""
    return {
        "youtube": {
            "applies": _platform_applies("youtube", channels),
            "setting": {
                "name": "Altered or synthetic content",
                "where": "YouTube Studio: upload › Details › Altered content",
                "value": "Yes",
            },
            "label_text": "Altered or synthetic content: sound or visuals were significantly "
            "edited or digitally generated.",
            "reference": "https://support.google.com/youtube/answer/14328491",
        },
        "tiktok": {
            "applies": _platform_applies("tiktok", channels),
            "setting": {
                "name": "AI-generated content",
                "where": "Post screen › More options › AI-generated content",
                "value": "On",
            },
            "label_text": "Creator labeled as AI-generated",
            "reference": "https://support.tiktok.com/en/using-tiktok/creating-videos/ai-generated-content",
        },
        "meta": {
            "applies": _platform_applies("meta", channels),
            "setting": {
                "name": "AI label",
                "where": "Instagram / Facebook: Advanced settings › Add AI label",
                "value": "On",
            },
            "label_text": "AI info",
            "reference": "https://about.fb.com/news/2024/04/metas-approach-to-labeling-ai-generated-content-and-manipulated-media/",
        },
    }


def _region_labels(
    videos: Sequence[GeneratedVideo], territories: list[str]
) -> dict[str, dict[str, Any]]:
    """What the EU AI Act (Art. 50) and China's labelling measures require of the videos."""
    generators = ", ".join(_generators(videos))
    return {
        "eu": {
            "applies": _region_applies(EU_MEMBER_STATES, territories),
            "instrument": "Regulation (EU) 2024/1689 (AI Act), Article 50",
            "applies_from": EU_AI_ACT_ART50_FROM,
            "setting": {
                "name": "Machine-readable marking and visible disclosure",
                "value": "Embed the C2PA manifest below (digitalSourceType "
                "trainedAlgorithmicMedia) and show the notice with the video",
            },
            "label_text": f"This video was generated with artificial intelligence ({generators}).",
            "notes": "Art. 50(2): outputs of generative AI systems are marked in a "
            "machine-readable format as artificially generated. Art. 50(4): a deployer "
            "publishing a deep fake discloses that it was artificially generated or "
            "manipulated.",
        },
        "china": {
            "applies": _region_applies({"CN"}, territories),
            "instrument": "Measures for Labeling AI-Generated Synthetic Content and GB 45438-2025",
            "applies_from": CHINA_LABELLING_FROM,
            "visible_label": {
                "text": "人工智能生成",
                "text_en": "AI-generated",
                "placement": "on screen at the start of the video for at least 2 seconds "
                "(and at the end or throughout where appropriate)",
            },
            "metadata_label": {
                "AIGC": {
                    "Label": "1",
                    "ContentProducer": generators,
                    "ProduceID": ",".join(
                        v.provider_task_id or f"reelmatch-video-{v.pk}" for v in videos
                    ),
                    "ReservedCode1": "",
                    "ContentPropagator": "",
                    "PropagateID": "",
                    "ReservedCode2": "",
                },
            },
            "notes": "Write the AIGC object into the file's metadata; the distributing "
            "platform fills ContentPropagator and PropagateID.",
        },
    }


def disclosure_pack(
    *,
    contract: Contract,
    deliveries: Sequence[PackDelivery],
    destinations: Sequence[str] = DESTINATIONS,
) -> dict[str, Any]:
    """The whole pack for the videos of `deliveries` (every delivery whose work the brand
    paid for, and those still in review, each video marked `licensed` or not), limited to
    `destinations`. Delivery ids are the real ids (`/contracts/{id}/deliveries/`)."""
    usage_rights = contract.usage_rights or {}
    videos = [v for item in deliveries for v in item.videos]
    labels = destination_labels(videos=videos, usage_rights=usage_rights, contract=contract)
    latest = max(deliveries, key=lambda item: item.delivery.number).delivery
    return {
        "contract": contract.pk,
        "delivery": latest.pk,
        "deliveries": [
            {
                "id": item.delivery.pk,
                "number": item.delivery.number,
                "milestone": item.delivery.milestone_id,
                "licensed": item.licensed,
                "videos": [v.pk for v in item.videos],
            }
            for item in deliveries
        ],
        "signed": False,
        "notice": "Unsigned: these labels and assertions are prepared for a C2PA signer and "
        "for the upload forms; nothing here is a signed manifest.",
        "videos": [
            {
                **video_provenance(v),
                "delivery": item.delivery.pk,
                "milestone": item.delivery.milestone_id,
                "licensed": item.licensed,
            }
            for item in deliveries
            for v in item.videos
        ],
        "destinations": {name: labels[name] for name in destinations},
        "c2pa": [
            c2pa_assertions(v, contract=contract, delivery=item.delivery)
            for item in deliveries
            for v in item.videos
        ],
    }
