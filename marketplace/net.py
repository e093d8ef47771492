"""The client's address, by one rule for the throttles and the admin lockout."""

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


def client_ip(request: HttpRequest) -> str:
    """The caller's address under `NUM_PROXIES` (DRF's rule, shared with django-axes).

    With 0 trusted proxies (the default) `X-Forwarded-For` is ignored and the socket's address
    counts, so a client cannot pick its own address; with N, the address N hops from the right
    of `X-Forwarded-For` counts (the one our outermost proxy saw).
    """
    return BaseThrottle().get_ident(request)
