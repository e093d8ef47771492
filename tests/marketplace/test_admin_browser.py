"""The moderator's walk in a real browser: Debian's headless Chromium driven by selenium.

Log in, approve a pending reel, approve a partner application, approve a brief in review,
resolve a dispute with a split typed in major units, suspend a creator with a reason (and
be refused without one). Each step goes through the action bar as a person would, checks
that the bar shows only the inputs the chosen action uses, and then checks the database.
Skipped, with the reason, where Chromium or its driver is not installed (`.ci/run`
installs both).
"""

import shutil
from collections.abc import Iterator

import pytest
from django.contrib.admin.models import LogEntry
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from campaigns.models import Brief, BriefStatus, Dispute
from creators.models import CreatorProfile, Moderation, PartnerApplication, Reel
from payments.sandbox.testing import Sandbox, start_sandbox
from tests.factories import (
    BriefFactory,
    ContractFactory,
    CreatorFactory,
    MembershipFactory,
    ReelFactory,
    UserFactory,
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER),
        reason="needs Debian's chromium and chromium-driver (apt-get install chromium "
        "chromium-driver; .ci/run installs them)",
    ),
    pytest.mark.django_db(transaction=True),
]
PASSWORD = "Moderat0r-walks-the-queue"

if CHROMIUM and CHROMEDRIVER:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select


@pytest.fixture
def browser(tmp_path) -> Iterator["webdriver.Chrome"]:  # type: ignore[no-untyped-def]
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def stripe_sandbox(settings) -> Iterator[Sandbox]:  # type: ignore[no-untyped-def]
    server = start_sandbox()
    settings.STRIPE_SECRET_KEY = "sk_test_sandbox"
    settings.STRIPE_API_BASE = server.url
    yield server
    server.stop()


def _disputed_contract(amount: int) -> Dispute:
    """A funded contract (through the API and the Stripe sandbox) its brand disputed."""
    contract = ContractFactory(amount=amount, currency="USD")
    owner = MembershipFactory(brand=contract.brand).user
    brand = APIClient()
    brand.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(owner).access_token}")
    funded = brand.post(
        f"/api/v1/contracts/{contract.pk}/fund/", {"payment_method": "pm_card_visa"}, format="json"
    )
    assert funded.status_code == 200, funded.content
    disputed = brand.post(
        f"/api/v1/contracts/{contract.pk}/dispute/", {"reason": "half of it"}, format="json"
    )
    assert disputed.status_code in (200, 201), disputed.content
    return Dispute.objects.get(contract=contract)


class Admin:
    """The moderator's hands: pages, checkboxes, the action bar."""

    def __init__(self, driver, base: str) -> None:  # type: ignore[no-untyped-def]
        self.driver = driver
        self.base = base

    def open(self, path: str) -> None:
        self.driver.get(f"{self.base}{path}")

    def log_in(self, email: str, password: str) -> None:
        self.open("/admin/login/?next=/admin/")
        self.driver.find_element(By.NAME, "username").send_keys(email)
        self.driver.find_element(By.NAME, "password").send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, 'input[type="submit"]').click()
        assert "Site administration" in self.driver.title, self.driver.page_source[:500]

    def visible_inputs(self) -> set[str]:
        """The names of the action bar's extra inputs that a person can see."""
        inputs = self.driver.find_elements(By.CSS_SELECTOR, ".actions [data-actions]")
        return {i.get_attribute("name") for i in inputs if i.is_displayed()}

    def choose(self, action: str) -> None:
        Select(self.driver.find_element(By.NAME, "action")).select_by_value(action)

    def act(self, changelist: str, pk: int, action: str, **inputs: str) -> list[str]:
        """Tick the row, choose the action, fill its inputs, press Go; the page's messages."""
        self.open(changelist)
        self.driver.find_element(
            By.CSS_SELECTOR, f'input[name="_selected_action"][value="{pk}"]'
        ).click()
        self.choose(action)
        assert self.visible_inputs() == set(inputs), (action, self.visible_inputs())
        for name, value in inputs.items():
            field = self.driver.find_element(By.NAME, name)
            if field.tag_name == "select":
                Select(field).select_by_value(value)
            else:
                field.clear()
                field.send_keys(value)
        self.driver.find_element(By.CSS_SELECTOR, '.actions button[type="submit"]').click()
        return [m.text for m in self.driver.find_elements(By.CSS_SELECTOR, "ul.messagelist li")]


def test_moderators_walk(browser, live_server, stripe_sandbox):
    staff = UserFactory(email="moderator@example.com", is_staff=True, is_superuser=True)
    staff.set_password(PASSWORD)
    staff.save()
    reel = ReelFactory(moderation=Moderation.PENDING, video__model="veo-3")
    applicant = CreatorFactory()
    application = PartnerApplication.objects.create(
        creator=applicant, statement="I ship on time.", links=["https://example.com/reels"]
    )
    brief = BriefFactory(status=BriefStatus.IN_REVIEW, budget_min=40_000, budget_max=120_000)
    dispute = _disputed_contract(amount=100_000)
    spammer = CreatorFactory()

    admin = Admin(browser, live_server.url)
    admin.log_in(staff.email, PASSWORD)

    # A pending reel, its model shown in the list, approved.
    admin.open("/admin/creators/reel/")
    assert "veo-3" in browser.find_element(By.CSS_SELECTOR, "td.field-video_model").text
    assert admin.act("/admin/creators/reel/", reel.pk, "approve") == ["Approve: 1 done."]
    assert Reel.objects.get(pk=reel.pk).moderation == Moderation.APPROVED

    # A partner application, with its statement and links on the row, approved.
    admin.open("/admin/creators/partnerapplication/")
    assert "I ship on time." in browser.page_source
    messages = admin.act("/admin/creators/partnerapplication/", application.pk, "approve")
    assert messages == ["Approve: 1 done."]
    assert PartnerApplication.objects.get(pk=application.pk).status == "approved"
    assert CreatorProfile.objects.get(pk=applicant.pk).tier == "partner"

    # A brief in review, its budget in major units, approved.
    admin.open("/admin/campaigns/brief/")
    assert "400.00–1,200.00 USD" in browser.find_element(By.CSS_SELECTOR, "td.field-budget").text
    assert admin.act("/admin/campaigns/brief/", brief.pk, "approve") == ["Approve: 1 done."]
    assert Brief.objects.get(pk=brief.pk).status == BriefStatus.OPEN

    # A dispute resolved with a split: 400.00 of the 1,000.00 USD to the creator.
    admin.open("/admin/campaigns/dispute/")
    assert "1,000.00 USD" in browser.find_element(By.CSS_SELECTOR, "td.field-contract_amount").text
    messages = admin.act(
        "/admin/campaigns/dispute/", dispute.pk, "split", amount="400.00", reason="half done"
    )
    assert messages == ["Resolve (split): 1 done."]
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolution, dispute.creator_amount) == (
        "resolved",
        "split",
        40_000,
    )

    # A creator suspended: refused without a reason, done with one, and in History.
    admin.open("/admin/creators/creatorprofile/")
    admin.choose("set_tier")
    assert admin.visible_inputs() == {"tier"}
    admin.choose("verify")
    assert admin.visible_inputs() == set()
    refused = admin.act("/admin/creators/creatorprofile/", spammer.pk, "suspend", reason=" ")
    assert refused == ["This action needs a reason."]
    assert not CreatorProfile.objects.get(pk=spammer.pk).suspended
    done = admin.act(
        "/admin/creators/creatorprofile/", spammer.pk, "suspend", reason="stolen reels"
    )
    assert done == ["Suspend: 1 done."]
    assert CreatorProfile.objects.get(pk=spammer.pk).suspended_reason == "stolen reels"
    admin.open(f"/admin/creators/creatorprofile/{spammer.pk}/history/")
    assert "Suspend: stolen reels" in browser.page_source
    assert LogEntry.objects.filter(user=staff).count() == 5
