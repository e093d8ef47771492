"""Seed what each generator plan allows, from the terms we could read on 2026-12-02.

Honest about the sources: where we read the provider's own terms the row cites them; where we
could only read a summary that quotes them, the row cites the summary and says so; where the
sources disagree or the plan's terms were not found, the verdict is `conditional` and the
conditions say what to check. Plans without a row get the verdict `unknown`. Staff keep the
rows current in the admin.
"""

from datetime import date

from django.db import migrations

CHECKED = date(2026, 12, 2)

KLING = "https://fragments.co.jp/blog/kling-commercial-use/"
KLING_PAID = (
    "Kling AI Terms of Paid Service §3.1.2 lift the restriction on commercial use of outputs "
    "for paid members (Standard, Pro, Premier). Keep proof that the video was made while the "
    "membership was paid. Read through a summary quoting the terms; confirm on klingai.com."
)
HAILUO = "https://clipjury.pages.dev/can-you-monetize/hailuo"
HAILUO_PAID = (
    "Hailuo's Terms of Service grant commercial use of content generated and downloaded while "
    "on a paid subscription plan; the platform keeps a perpetual licence to the content. Read "
    "through a summary quoting the terms; confirm on hailuoai.video."
)
PIKA = (
    "https://conductatlas.com/platform/pika/pika-terms-of-service/"
    "content-ownership-and-output-license/"
)
PIKA_PAID = (
    "Pika's Terms of Service (last modified 2025-05-16) allow personal use of outputs unless "
    "the paid plan allows commercial use; which paid plans do is listed on pika.art/pricing, "
    "which we could not read. Check the plan's features when the video was made."
)
RUNWAY = "https://terms.law/forum/thread/runway-ml-video-commercial-rights.html"
RUNWAY_PAID = (
    "Paid plans include commercial use of outputs, subject to Runway's Terms of Use and Usage "
    "Policy (no use of outputs to train competing models). Read through a summary of the "
    "terms; confirm on runwayml.com/terms-of-use."
)
OPENAI = "https://openai.com/policies/terms-of-use/"
OPENAI_PAID = (
    "OpenAI's Terms of Use assign the user its rights in Output, usable for any purpose "
    "including commercial purposes such as sale or publication, if the user complies with the "
    "Terms and usage policies (no likeness of a real person without consent)."
)
VEO_API = "https://ai.google.dev/gemini-api/terms"
VEO_APP = "https://flowith.io/blog/veo-faq-commercial-rights-watermarks"

ROWS = [
    (
        "kling",
        "free",
        "not_allowed",
        KLING,
        "The Terms of Paid Service grant commercial use to paid members only; the free tier is "
        "not granted it. Read through a summary quoting the terms; confirm on klingai.com.",
    ),
    ("kling", "standard", "allowed", KLING, KLING_PAID),
    ("kling", "pro", "allowed", KLING, KLING_PAID),
    (
        "hailuo",
        "free",
        "not_allowed",
        HAILUO,
        "Hailuo's Terms of Service limit free-tier output to personal, non-commercial use; free "
        "exports carry a watermark. Read through a summary quoting the terms.",
    ),
    ("hailuo", "standard", "allowed", HAILUO, HAILUO_PAID),
    ("hailuo", "pro", "allowed", HAILUO, HAILUO_PAID),
    (
        "pika",
        "free",
        "not_allowed",
        PIKA,
        "Pika's Terms of Service allow personal use of outputs unless a paid plan allows "
        "commercial use; the free plan does not. Read through a summary of the terms.",
    ),
    ("pika", "standard", "conditional", PIKA, PIKA_PAID),
    ("pika", "pro", "conditional", PIKA, PIKA_PAID),
    (
        "runway",
        "free",
        "conditional",
        RUNWAY,
        "Sources disagree: a 2025 summary says the free plan carries no commercial rights, while "
        "Runway's Terms of Use grant output rights subject to compliance on every plan. Confirm on "
        "help.runwayml.com before commercial use.",
    ),
    ("runway", "standard", "allowed", RUNWAY, RUNWAY_PAID),
    ("runway", "pro", "allowed", RUNWAY, RUNWAY_PAID),
    (
        "runway",
        "enterprise",
        "allowed",
        "https://runwayml.com/enterprise-terms",
        "Runway Enterprise Services Terms (updated 2024-09-16): outputs are customer content; "
        "the customer's Order may add terms.",
    ),
    (
        "sora",
        "free",
        "conditional",
        OPENAI,
        "The same Terms of Use apply, but free or trial access carries a visible watermark and "
        "summaries report personal-use limits on it; confirm before commercial use.",
    ),
    ("sora", "standard", "allowed", OPENAI, OPENAI_PAID),
    ("sora", "pro", "allowed", OPENAI, OPENAI_PAID),
    (
        "veo",
        "api",
        "conditional",
        VEO_API,
        "Gemini API / Vertex AI: Google does not claim ownership of generated content, but models "
        "marked Preview may not be used in production and the Generative AI Prohibited Use Policy "
        "applies; every output carries a SynthID watermark. Check the model's release stage.",
    ),
    (
        "veo",
        "pro",
        "conditional",
        VEO_APP,
        "Google AI Pro / Ultra (Gemini app, Flow): rights depend on the product, the subscription "
        "and the region's terms; some tiers add a visible watermark, all add SynthID. Read "
        "through a summary; confirm in Google's terms for the product used.",
    ),
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    ModelLicence = apps.get_model("creators", "ModelLicence")
    for provider, plan, use, url, conditions in ROWS:
        ModelLicence.objects.update_or_create(
            provider=provider,
            model_prefix="",
            plan=plan,
            defaults={
                "commercial_use": use,
                "conditions": conditions,
                "source_url": url,
                "checked_on": CHECKED,
            },
        )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    ModelLicence = apps.get_model("creators", "ModelLicence")
    for provider, plan, *_ in ROWS:
        ModelLicence.objects.filter(provider=provider, model_prefix="", plan=plan).delete()


class Migration(migrations.Migration):
    dependencies = [("creators", "0006_model_licences_and_video_verdicts")]

    operations = [migrations.RunPython(forwards, backwards)]
