"""The moderator's walk in a real browser: Debian's headless Chromium driven by selenium.

Log in, approve a pending reel, a partner application and a brief in review; then each
decision that moves money or decides for a user, on its confirmation page: a dispute split
typed in major units (refused out of range in the moderator's units, then previewed, and the
preview's numbers checked against the Transfer and Refund that follow), a staff refund
refused without a reason and then made, a licence flag cleared, a brand verified (its
members notified), a creator suspended. Each
step goes through the page as a person would, then checks the database. Skipped, with the
reason, where Chromium or its driver is not installed (`.ci/run` installs both).
"""

import shutil
from collections.abc import Iterator

import pytest
from django.contrib.admin.models import LogEntry
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from campaigns.models import (
    Brand,
    BrandVerification,
    Brief,
    BriefStatus,
    Delivery,
    Dispute,
    LicenceFlag,
    Milestone,
)
from creators.models import (
    CreatorProfile,
    GeneratedVideo,
    Moderation,
    PartnerApplication,
    Reel,
)
from marketplace.models import Notification
from marketplace.money import format_money
from payments.models import Refund, Transfer
from payments.sandbox.testing import Sandbox, start_sandbox
from tests.factories import (
    BriefFactory,
    ContractFactory,
    CreatorFactory,
    MembershipFactory,
    ReelFactory,
    UserFactory,
    VideoFactory,
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
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait


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


def _brand_client(contract) -> APIClient:  # type: ignore[no-untyped-def]
    owner = MembershipFactory(brand=contract.brand).user
    brand = APIClient()
    brand.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(owner).access_token}")
    return brand


def _funded_contract(amount: int):  # type: ignore[no-untyped-def]
    """A contract funded through the API and the Stripe sandbox."""
    contract = ContractFactory(amount=amount, currency="USD")
    funded = _brand_client(contract).post(
        f"/api/v1/contracts/{contract.pk}/fund/", {"payment_method": "pm_card_visa"}, format="json"
    )
    assert funded.status_code == 200, funded.content
    return contract


def _disputed_contract(amount: int) -> Dispute:
    """A funded contract its brand disputed."""
    contract = _funded_contract(amount)
    brand = _brand_client(contract)
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
        self.submit(self.driver.find_element(By.CSS_SELECTOR, '.actions button[type="submit"]'))
        return self.messages()

    def submit(self, button) -> None:  # type: ignore[no-untyped-def]
        """Press a button that posts a form, and wait for the next page."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        button.click()
        WebDriverWait(self.driver, 15).until(expected_conditions.staleness_of(page))

    def find_all(self, css: str) -> list:  # type: ignore[type-arg]
        """Elements on the loaded page, without waiting for ones that are not there."""
        self.driver.implicitly_wait(0)
        try:
            return self.driver.find_elements(By.CSS_SELECTOR, css)
        finally:
            self.driver.implicitly_wait(5)

    def messages(self) -> list[str]:
        return [m.text for m in self.find_all("ul.messagelist li")]

    def type(self, name: str, value: str) -> None:
        field = self.driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)

    def press(self, element_id: str) -> None:
        self.submit(self.driver.find_element(By.ID, element_id))

    def value(self, key: str) -> str:
        """A line of the confirmation page's "What will happen" table."""
        return self.driver.find_element(By.ID, f"value-{key}").text

    def errors(self) -> str:
        return " ".join(e.text for e in self.find_all(".errorlist, .errornote"))


def _flagged_delivery(contract) -> Delivery:  # type: ignore[no-untyped-def]
    video = VideoFactory(provider="pika", model="pika-2.2", plan="standard")
    GeneratedVideo.objects.filter(pk=video.pk).update(licence_verdict="conditional")
    delivery = Delivery.objects.create(
        contract=contract,
        milestone=contract.milestones.first(),
        number=1,
        licence_flag=LicenceFlag.FLAGGED,
        licence_note="pika-2.2 on the standard plan: conditional",
    )
    delivery.videos.add(video)
    return delivery


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
    to_refund = _funded_contract(amount=40_000)
    flagged = _flagged_delivery(to_refund)
    spammer = CreatorFactory()
    asking = MembershipFactory(brand__name="Ren Co", role="owner")
    brand_api = APIClient()
    brand_api.credentials(
        HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(asking.user).access_token}"
    )
    asked = brand_api.post(
        f"/api/v1/brands/{asking.brand.pk}/verification/",
        {
            "company_website": "https://ren.example.com",
            "registration_number": "HRB 123456",
            "contact_name": "Ren Ito",
            "contact_email": "legal@ren.example.com",
        },
        format="json",
    )
    assert asked.status_code == 201, asked.content

    admin = Admin(browser, live_server.url)
    admin.log_in(staff.email, PASSWORD)

    # The dashboard counts the queues, the licence flags and disputes among them.
    queues = browser.find_element(By.ID, "staff-queues").text
    assert "Open disputes" in queues and "Licence-flagged deliveries" in queues
    assert "Brand verification requests" in queues
    # Its headers sit on one line each (the count's header once wrapped a letter per line).
    for header in browser.find_elements(By.CSS_SELECTOR, "#staff-queues thead th"):
        assert header.size["height"] < 40, (header.text, header.size)

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

    # A dispute resolved from its own page with a split typed in major units.
    admin.open("/admin/campaigns/dispute/")
    assert "1,000.00 USD" in browser.find_element(By.CSS_SELECTOR, "td.field-milestone_amount").text
    admin.open(f"/admin/campaigns/dispute/{dispute.pk}/change/")
    browser.find_element(By.CSS_SELECTOR, '.object-tools a[href$="/resolve/split/"]').click()
    assert admin.value("milestone_amount") == "1,000.00 USD"
    assert "gross, before the 15% platform fee" in browser.page_source
    admin.type("amount", "1,300.00")
    admin.press("preview-button")
    assert "between 0.01 and 999.99 USD" in admin.errors()
    admin.type("amount", "400.00")
    admin.press("preview-button")
    preview = {
        key: admin.value(key)
        for key in ("creator_gross", "platform_fee", "creator_net", "brand_refund")
    }
    assert preview == {
        "creator_gross": "400.00 USD",
        "platform_fee": "60.00 USD",
        "creator_net": "340.00 USD",
        "brand_refund": "600.00 USD",
    }
    admin.type("reason", "half of the cut was usable")
    admin.press("confirm-button")
    assert admin.messages() == [f"Dispute #{dispute.pk} resolved: split."]
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolution, dispute.creator_amount) == (
        "resolved",
        "split",
        40_000,
    )
    transfer = Transfer.objects.get(milestone=dispute.milestone)
    refund = Refund.objects.get(milestone=dispute.milestone)
    assert format_money(transfer.amount, transfer.currency) == preview["creator_net"]
    assert format_money(refund.amount, refund.currency) == preview["brand_refund"]

    # A staff refund: from the contract list to the milestone's page, refused without a reason.
    admin.act("/admin/campaigns/contract/", to_refund.pk, "staff_refund")
    assert admin.value("brand_refund") == "400.00 USD"
    admin.press("confirm-button")
    assert "A reason is required" in admin.errors()
    assert Milestone.objects.get(contract=to_refund).status == "funded"
    admin.type("reason", "the brand paid twice by mistake")
    admin.press("confirm-button")
    assert admin.messages() == ["Refund of 400.00 USD started."]
    assert Milestone.objects.get(contract=to_refund).status == "refunded"
    assert Refund.objects.get(contract=to_refund).amount == 40_000

    # A licence flag cleared once the videos' plans were read on the page.
    admin.act("/admin/campaigns/delivery/", flagged.pk, "clear_licence_flag")
    assert "pika-2.2, plan standard: Conditional" in browser.page_source
    admin.type("reason", "the standard plan allows paid ads")
    admin.press("confirm-button")
    assert Delivery.objects.get(pk=flagged.pk).licence_flag == LicenceFlag.CLEARED

    # A brand verified from its request's page: refused without a reason, then verified, and
    # its members told.
    verification = BrandVerification.objects.get(pk=asked.json()["id"])
    admin.open(f"/admin/campaigns/brandverification/{verification.pk}/change/")
    browser.find_element(By.CSS_SELECTOR, '.object-tools a[href$="/approve/"]').click()
    assert admin.value("registration") == "HRB 123456"
    admin.press("confirm-button")
    assert "A reason is required" in admin.errors()
    assert not Brand.objects.get(pk=asking.brand.pk).verified
    admin.type("reason", "register entry and website checked")
    admin.press("confirm-button")
    assert admin.messages() == ["Ren Co is verified."]
    assert Brand.objects.get(pk=asking.brand.pk).verified
    told = Notification.objects.get(user=asking.user, kind="brand_verified")
    assert "Ren Co is verified" in told.message

    # A creator suspended: refused without a reason, done with one, and in History.
    admin.open("/admin/creators/creatorprofile/")
    admin.choose("set_tier")
    assert admin.visible_inputs() == {"tier"}
    admin.choose("verify")
    assert admin.visible_inputs() == set()
    admin.act("/admin/creators/creatorprofile/", spammer.pk, "suspend")
    admin.type("reason", " ")
    admin.press("confirm-button")
    assert "A reason is required" in admin.errors()
    assert not CreatorProfile.objects.get(pk=spammer.pk).suspended
    admin.type("reason", "stolen reels")
    admin.press("confirm-button")
    assert admin.messages() == [f"@{spammer.handle} is suspended."]
    assert CreatorProfile.objects.get(pk=spammer.pk).suspended_reason == "stolen reels"
    admin.open(f"/admin/creators/creatorprofile/{spammer.pk}/history/")
    assert "Suspend: stolen reels" in browser.page_source
    assert LogEntry.objects.filter(user=staff).count() == 8
