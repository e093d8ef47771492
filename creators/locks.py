"""Row locks of the creators, built on `marketplace.locks`: primary-key order, own rows only.

Services take objects but re-read the rows they change through these helpers inside their
transaction. Between tables the order is fixed: an application before its creator's profile.
"""

from marketplace.locks import lock_one

from .models import CreatorProfile, PartnerApplication, Portfolio, Reel


def lock_profile(pk: int) -> CreatorProfile:
    """The creator profile row, locked."""
    return lock_one(CreatorProfile.objects.all(), pk)


def lock_portfolio(pk: int) -> Portfolio:
    """The portfolio row, locked, with its creator joined (not locked)."""
    return lock_one(Portfolio.objects.select_related("creator"), pk)


def lock_reel(pk: int) -> Reel:
    """The reel row, locked, with its generated video joined (not locked)."""
    return lock_one(Reel.objects.select_related("video"), pk)


def lock_application(pk: int) -> PartnerApplication:
    """The partner application row, locked."""
    return lock_one(PartnerApplication.objects.all(), pk)
