"""Each error-code string is owned by one enum: a client that branches on `code` meets one
meaning per string, and a code moves between apps only by moving its member."""

from collections import defaultdict

from accounts.errors import AccountError
from campaigns.errors import CampaignError
from creators.errors import CreatorError
from marketplace.errors import CommonError
from payments.errors import PaymentError

ENUMS = (CommonError, CreatorError, CampaignError, PaymentError, AccountError)


def test_every_code_string_has_one_owner():
    owners: dict[str, list[str]] = defaultdict(list)
    for enum in ENUMS:
        for member in enum:
            owners[member.value].append(f"{enum.__name__}.{member.name}")
    shared = {code: names for code, names in owners.items() if len(names) > 1}
    assert shared == {}
