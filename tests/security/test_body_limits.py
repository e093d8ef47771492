"""JSON only, and the size cap before the body is read: multipart and form bodies are a 415
unread, a declared or streamed body over 2.5 MB a 413, and list lengths are checked before
their items."""

import io
import json
import time

import pytest
from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory

from tests.factories import ContractFactory, CreatorFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HUGE = 300 * 1024 * 1024


class CountingStream(io.RawIOBase):
    """A request body of `size` bytes that is made as it is read and counts what was read."""

    def __init__(self, size: int, prefix: bytes = b"") -> None:
        self.left = size
        self.prefix = prefix
        self.read_bytes = 0

    def read(self, n: int = -1) -> bytes:
        if self.prefix:
            out, self.prefix = self.prefix, b""
        else:
            n = self.left if n is None or n < 0 else min(n, self.left)
            out = b" " * n
            self.left -= n
        self.read_bytes += len(out)
        return out

    def readline(self, *args: int) -> bytes:
        return self.read(*args)


def _call(environ: dict) -> tuple[int, dict]:
    """Run the WSGI handler itself (the test client would read the body first), without the
    request signals closing the test's database connection (as the test client does too)."""
    status: list[str] = []
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(WSGIHandler()(environ, lambda s, h, *a: status.append(s)))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return int(status[0].split()[0]), json.loads(body)


@pytest.mark.parametrize("path", ["/api/v1/auth/register/", "/api/v1/reels/"])
def test_multipart_declaring_300_mb_is_413_without_reading_it(client_for, path):
    api = client_for(CreatorFactory().user)
    response = api.generic(
        "POST",
        path,
        data=b"--x\r\n",  # the test client refuses any read past these bytes
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(HUGE),
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "text/plain"],
)
def test_only_json_is_parsed_other_bodies_are_415(client_for, content_type):
    creator = CreatorFactory()
    api = client_for(creator.user)
    body = b'--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nreel\r\n--x--\r\n'
    for path in ("/api/v1/reels/", "/api/v1/portfolios/", "/api/v1/auth/register/"):
        response = api.generic("POST", path, data=body, content_type=content_type)
        assert response.status_code == 415, (path, response.content)
        assert response.json()["error"]["code"] == "unsupported_media_type"


def test_deliveries_take_json_only(client_for):
    contract = ContractFactory()
    api = client_for(contract.creator.user)
    response = api.generic(
        "POST",
        f"/api/v1/contracts/{contract.pk}/deliveries/",
        data=b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
    )
    assert response.status_code == 413
    small = api.generic(
        "POST",
        f"/api/v1/contracts/{contract.pk}/deliveries/",
        data=b"--x--\r\n",
        content_type="multipart/form-data; boundary=x",
    )
    assert small.status_code == 415


def test_a_streamed_body_is_cut_off_at_the_cap():
    stream = CountingStream(HUGE)
    environ = RequestFactory()._base_environ(
        PATH_INFO="/api/v1/auth/register/",
        REQUEST_METHOD="POST",
        CONTENT_TYPE="multipart/form-data; boundary=x",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": stream},
    )
    environ.pop("CONTENT_LENGTH", None)
    status, body = _call(environ)
    assert status == 413 and body["error"]["code"] == "body_too_large"
    assert stream.read_bytes <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 64 * 1024


def test_a_streamed_json_body_within_the_cap_is_read():
    payload = json.dumps({"email": "nobody@example.com", "password": "wrong-password"})
    stream = CountingStream(0, prefix=payload.encode())
    environ = RequestFactory()._base_environ(
        PATH_INFO="/api/v1/auth/token/",
        REQUEST_METHOD="POST",
        CONTENT_TYPE="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": stream},
    )
    environ.pop("CONTENT_LENGTH", None)
    status, body = _call(environ)
    # Parsed: the credentials were read and refused (an empty body would name the fields).
    assert status == 401, body
    assert stream.read_bytes == len(payload)


def test_tags_times_600_000_are_refused_before_the_items(client_for):
    api = client_for(CreatorFactory().user)
    started = time.monotonic()
    response = api.patch("/api/v1/creators/me/", {"tags": ["a"] * 600_000}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["tags"]
    assert time.monotonic() - started < 3


def test_reference_links_times_150_000_are_refused_before_the_items(client_for):
    membership = MembershipFactory()
    api = client_for(membership.user)
    links = ["https://a.b"] * 150_000
    started = time.monotonic()
    response = api.post(
        "/api/v1/ips/",
        {"brand": membership.brand_id, "name": "Cat", "reference_links": links},
        format="json",
    )
    assert response.status_code == 400
    assert "reference_links" in response.json()["error"]["fields"]
    assert time.monotonic() - started < 3
