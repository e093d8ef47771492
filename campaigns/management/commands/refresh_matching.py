"""`manage.py refresh_matching`: backfill matching evidence and corpus statistics."""

from typing import Any

from django.core.management.base import BaseCommand

from campaigns.matching.refresh import matching_backfill, matching_refresh_idf


class Command(BaseCommand):
    help = (
        "Recompute every creator's matching evidence (track record from completed contracts and "
        "reviews; tags, models, formats, terms, approved activity from approved reels, bids and "
        "deliveries), then the corpus statistics. "
        "Safe to run twice. --idf-only recounts the statistics alone (the hourly job)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--idf-only", action="store_true")

    def handle(self, *args: Any, idf_only: bool = False, **options: Any) -> None:
        if idf_only:
            corpus = matching_refresh_idf()
            self.stdout.write(f"term statistics over {corpus} creators")
            return
        done = matching_backfill()
        self.stdout.write(
            f"refreshed {done['creators']} creators ({done['with_track_record']} with a track "
            f"record); term statistics over {done['corpus']}"
        )
