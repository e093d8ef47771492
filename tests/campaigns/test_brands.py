"""Brands, their members and their IP assets."""

import pytest

from campaigns.models import BrandMembership, IPAsset
from marketplace.models import Notification, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand(brand_factory):  # type: ignore[no-untyped-def]
    return brand_factory(name="Neon")


@pytest.fixture
def owner_user(brand, member_of):  # type: ignore[no-untyped-def]
    return member_of(brand)


@pytest.fixture
def manager_user(brand, member_of):  # type: ignore[no-untyped-def]
    return member_of(brand, "manager")


def test_brands_lists_only_your_brands_with_your_role(
    client_for, brand, owner_user, brand_factory, staff
):
    brand_factory()
    response = client_for(owner_user).get("/api/v1/brands/")
    assert response.status_code == 200
    assert [(b["id"], b["my_role"]) for b in response.json()["results"]] == [(brand.pk, "owner")]
    assert client_for(staff).get("/api/v1/brands/").json()["count"] == 2


def test_anyone_signed_in_creates_a_brand_and_owns_it(client_for, user_factory, api):
    user = user_factory()
    response = client_for(user).post(
        "/api/v1/brands/", {"name": "Kite & Kettle", "website": "https://kite.test"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["slug"] == "kite-kettle"
    assert response.json()["my_role"] == "owner"
    assert BrandMembership.objects.get(user=user).role == "owner"
    assert api.post("/api/v1/brands/", {"name": "x"}).status_code == 401


@pytest.mark.parametrize("who, expected", [("owner", 200), ("manager", 403), ("other", 404)])
def test_only_owners_edit_the_brand(
    client_for, brand, owner_user, manager_user, user_factory, who, expected
):
    user = {"owner": owner_user, "manager": manager_user, "other": user_factory()}[who]
    response = client_for(user).patch(f"/api/v1/brands/{brand.pk}/", {"description": "Noodles"})
    assert response.status_code == expected
    brand.refresh_from_db()
    assert (brand.description == "Noodles") == (expected == 200)


def test_owner_invites_the_invitee_accepts_then_the_owner_removes(
    client_for, brand, owner_user, user_factory
):
    owner = client_for(owner_user)
    newcomer = user_factory(email="new@neon.test")
    url = f"/api/v1/brands/{brand.pk}/members/"

    invited = owner.post(url, {"email": "NEW@neon.test"})
    assert invited.status_code == 201, invited.json()
    assert invited.json()["status"] == "pending"
    assert invited.json()["role"] == "manager"
    assert invited.json()["email"] == "new@neon.test"
    assert "user_id" not in invited.json() and "full_name" not in invited.json()
    assert not BrandMembership.objects.filter(user=newcomer).exists()
    assert Notification.objects.filter(user=newcomer, kind="brand_member_invited").exists()
    assert owner.post(url, {"email": "new@neon.test"}).status_code == 409
    assert client_for(newcomer).get(url).status_code == 404  # not a member yet

    mine = client_for(newcomer).get("/api/v1/brand-invitations/")
    assert [(i["brand_name"], i["status"]) for i in mine.json()["results"]] == [("Neon", "pending")]
    invitation_id = mine.json()["results"][0]["id"]
    accepted = client_for(newcomer).post(f"/api/v1/brand-invitations/{invitation_id}/accept/")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted"
    assert BrandMembership.objects.get(user=newcomer, brand=brand).role == "manager"
    again = client_for(newcomer).post(f"/api/v1/brand-invitations/{invitation_id}/accept/")
    assert again.status_code == 409

    members = client_for(newcomer).get(url)
    assert members.status_code == 200
    assert {m["email"] for m in members.json()["results"]} == {owner_user.email, newcomer.email}
    assert owner.post(url, {"email": "new@neon.test"}).status_code == 409  # already a member

    removed = owner.delete(f"{url}{newcomer.pk}/")
    assert removed.status_code == 204
    assert not BrandMembership.objects.filter(user=newcomer).exists()
    assert client_for(newcomer).get(url).status_code == 404


def test_inviting_answers_the_same_whether_or_not_an_account_exists(
    client_for, brand, owner_user, user_factory
):
    user_factory(email="known@neon.test")
    owner = client_for(owner_user)
    url = f"/api/v1/brands/{brand.pk}/members/"
    known = owner.post(url, {"email": "known@neon.test"}).json()
    unknown = owner.post(url, {"email": "unknown@neon.test"}).json()
    strip = {"id", "email", "created_at"}
    assert {k: v for k, v in known.items() if k not in strip} == {
        k: v for k, v in unknown.items() if k not in strip
    }
    assert set(known) == set(unknown)
    listed = owner.get(f"/api/v1/brands/{brand.pk}/member-invitations/").json()["results"]
    assert {i["email"] for i in listed} == {"known@neon.test", "unknown@neon.test"}


def test_an_invitation_for_a_future_account_is_accepted_after_registering(
    client_for, brand, owner_user, api
):
    client_for(owner_user).post(f"/api/v1/brands/{brand.pk}/members/", {"email": "later@neon.test"})
    registered = api.post(
        "/api/v1/auth/register/",
        {
            "email": "later@neon.test",
            "password": "An0ther-str0ng-pass",
            "role": "creator",
            "handle": "later",
        },
    )
    assert registered.status_code == 201
    later = client_for(User.objects.get(email="later@neon.test"))
    invitation = later.get("/api/v1/brand-invitations/").json()["results"][0]
    assert later.post(f"/api/v1/brand-invitations/{invitation['id']}/decline/").status_code == 200
    assert not BrandMembership.objects.filter(user__email="later@neon.test").exists()


def test_invitations_of_others_are_404_and_owners_revoke(
    client_for, brand, owner_user, manager_user, user_factory
):
    invitee = user_factory(email="in@neon.test")
    stranger = user_factory()
    created = client_for(owner_user).post(
        f"/api/v1/brands/{brand.pk}/members/", {"email": "in@neon.test", "role": "owner"}
    )
    pk = created.json()["id"]
    assert client_for(stranger).post(f"/api/v1/brand-invitations/{pk}/accept/").status_code == 404
    assert client_for(owner_user).post(f"/api/v1/brand-invitations/{pk}/accept/").status_code == 404
    url = f"/api/v1/brands/{brand.pk}/member-invitations/{pk}/"
    assert client_for(manager_user).delete(url).status_code == 403
    assert client_for(owner_user).delete(url).status_code == 204
    accept = client_for(invitee).post(f"/api/v1/brand-invitations/{pk}/accept/")
    assert accept.status_code == 409
    assert not BrandMembership.objects.filter(user=invitee).exists()


def test_managers_cannot_add_or_remove_others_but_may_leave(
    client_for, brand, owner_user, manager_user, user_factory
):
    manager = client_for(manager_user)
    url = f"/api/v1/brands/{brand.pk}/members/"
    user_factory(email="friend@neon.test")
    assert manager.post(url, {"email": "friend@neon.test"}).status_code == 403
    assert manager.delete(f"{url}{owner_user.pk}/").status_code == 403
    assert manager.delete(f"{url}{manager_user.pk}/").status_code == 204


def test_last_owner_cannot_be_removed(client_for, brand, owner_user):
    owner = client_for(owner_user)
    response = owner.delete(f"/api/v1/brands/{brand.pk}/members/{owner_user.pk}/")
    assert response.status_code == 409
    assert "owner" in response.json()["error"]["message"]


def test_members_of_other_brands_and_non_members_get_404(
    client_for, brand, owner_user, brand_factory, member_of, user_factory
):
    outsider = client_for(member_of(brand_factory()))
    url = f"/api/v1/brands/{brand.pk}/members/"
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, {"email": owner_user.email}).status_code == 404
    assert outsider.get(f"/api/v1/brands/{brand.pk}/").status_code == 404
    stranger = user_factory()
    assert client_for(owner_user).delete(f"{url}{stranger.pk}/").status_code == 404


def test_a_user_may_belong_to_several_brands(client_for, brand_factory, member_of):
    user = member_of(brand_factory())
    BrandMembership.objects.create(brand=brand_factory(), user=user, role="manager")
    roles = sorted(b["my_role"] for b in client_for(user).get("/api/v1/brands/").json()["results"])
    assert roles == ["manager", "owner"]


# IP assets --------------------------------------------------------------------------------


def test_ip_crud_by_members(client_for, brand, owner_user, manager_user):
    manager = client_for(manager_user)
    created = manager.post(
        "/api/v1/ips/",
        {"brand": brand.pk, "name": "Noodle Cat", "description": "Our mascot", "term_months": 6},
        format="json",
    )
    assert created.status_code == 201, created.json()
    url = f"/api/v1/ips/{created.json()['id']}/"
    assert client_for(owner_user).get(url).json()["name"] == "Noodle Cat"
    patched = manager.patch(url, {"exclusive": True, "channels": ["TV"]}, format="json")
    assert patched.status_code == 200
    assert patched.json()["exclusive"] is True
    assert patched.json()["channels"] == ["tv"]
    assert manager.delete(url).status_code == 204
    assert not IPAsset.objects.exists()


def test_ip_is_private_to_its_brand(client_for, ip_factory, member_of, brand_factory, api):
    ip = ip_factory()
    mine = ip_factory()
    outsider = client_for(member_of(mine.brand))
    assert outsider.get(f"/api/v1/ips/{ip.pk}/").status_code == 404
    assert outsider.patch(f"/api/v1/ips/{ip.pk}/", {"name": "x"}).status_code == 404
    assert outsider.delete(f"/api/v1/ips/{ip.pk}/").status_code == 404
    assert [row["id"] for row in outsider.get("/api/v1/ips/").json()["results"]] == [mine.pk]
    assert api.get("/api/v1/ips/").status_code == 401


def test_ip_named_by_a_submitted_brief_cannot_be_deleted(
    client_for, ip_factory, brief_factory, member_of
):
    ip = ip_factory()
    brief_factory(brand=ip.brand, ip=ip, status="open")
    response = client_for(member_of(ip.brand)).delete(f"/api/v1/ips/{ip.pk}/")
    assert response.status_code == 409
    assert IPAsset.objects.filter(pk=ip.pk).exists()
