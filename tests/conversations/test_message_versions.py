"""An edited message keeps every version as its author wrote it, unmasked, for staff: on the
message's admin page and in the API (staff only), while the other party sees only the masked
current text. Before, posting "ok" and editing it to a phone number left "ok" as the only
original: the contact details were stored nowhere."""

import pytest
from django.test import Client

from campaigns.models import Message, MessageVersion

pytestmark = pytest.mark.django_db

PHONE = "Call me on +44 20 7946 0958"
MAIL = "or write to cleo.k@gmail.com"


@pytest.fixture
def admin_client(staff) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(staff)
    return client


def test_every_version_is_kept_for_staff_and_the_other_party_sees_it_masked(
    cast, client_for, staff, admin_client
):
    creator = client_for(cast.newcomer.user)
    thread = creator.post(f"/api/v1/briefs/{cast.brief.pk}/threads/", {}, format="json").json()
    url = f"/api/v1/threads/{thread['id']}/messages/"
    posted = creator.post(url, {"text": "ok"}, format="json").json()
    assert posted["masked"] is False
    first = creator.patch(f"{url}{posted['id']}/", {"text": PHONE}, format="json")
    assert first.status_code == 200, first.json()
    second = creator.patch(f"{url}{posted['id']}/", {"text": MAIL}, format="json").json()
    assert second["masked"] is True and "gmail" not in second["text"]

    brand_view = client_for(cast.member).get(url).json()["results"]
    assert brand_view[0]["text"] == "or write to [contact hidden]"
    assert brand_view[0]["versions"] is None and brand_view[0]["original_text"] is None
    assert "7946" not in str(brand_view) and "gmail" not in str(brand_view)

    versions = client_for(staff).get(url).json()["results"][0]["versions"]
    assert [(v["number"], v["text"], v["flag_kinds"]) for v in versions] == [
        (1, "ok", []),
        (2, PHONE, ["phone"]),
        (3, MAIL, ["email"]),
    ]
    assert versions[1]["shown_text"] == "Call me on [contact hidden]"
    message = Message.objects.get(pk=posted["id"])
    assert message.original_text == "ok" and message.flagged

    # The message's admin page shows each version as written.
    page = admin_client.get(f"/admin/campaigns/message/{message.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "+44 20 7946 0958" in html and "cleo.k@gmail.com" in html
    assert "Versions (as written, for staff only)" in html


def test_a_deleted_message_keeps_its_versions(cast, client_for, staff):
    creator = client_for(cast.newcomer.user)
    thread = creator.post(f"/api/v1/briefs/{cast.brief.pk}/threads/", {}, format="json").json()
    url = f"/api/v1/threads/{thread['id']}/messages/"
    posted = creator.post(url, {"text": PHONE}, format="json").json()
    assert creator.delete(f"{url}{posted['id']}/").status_code == 204
    assert list(
        MessageVersion.objects.filter(message_id=posted["id"]).values_list("text", flat=True)
    ) == [PHONE]
    staff_view = client_for(staff).get(url).json()["results"][0]
    assert staff_view["deleted"] is True and staff_view["versions"][0]["text"] == PHONE


@pytest.mark.parametrize("size", [2, 8])
def test_staff_read_the_versions_in_a_fixed_number_of_queries(
    cast, client_for, staff, django_assert_max_num_queries, size
):
    creator = client_for(cast.newcomer.user)
    thread = creator.post(f"/api/v1/briefs/{cast.brief.pk}/threads/", {}, format="json").json()
    url = f"/api/v1/threads/{thread['id']}/messages/"
    for i in range(size):
        made = creator.post(url, {"text": f"draft {i}"}, format="json").json()
        creator.patch(f"{url}{made['id']}/", {"text": f"{PHONE}{i}"}, format="json")
    reader = client_for(staff)
    with django_assert_max_num_queries(8):
        results = reader.get(url).json()["results"]
    assert [len(m["versions"]) for m in results] == [2] * size
