"""Middleware of the ground layer (the request id's lives in request_id.py)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .apis import not_found


class ApiNotFoundMiddleware:
    """Under /api/ a 404 is always the JSON error body, also with DEBUG=1 (where Django would
    answer its HTML debug page); a trailing-slash redirect still happens first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/")
        ):
            return not_found(request)
        return response
