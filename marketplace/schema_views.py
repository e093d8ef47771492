"""The OpenAPI document served from memory with an ETag, and the docs pages (Swagger, ReDoc).

Building the schema walks every view (seconds); it only changes with the code, so each process
builds it once per format and keeps the rendered bytes. Every answer carries a strong ETag of
those bytes; a client that sends it back in `If-None-Match` gets a 304 with no body.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response

_cache: dict[str, tuple[bytes, str, str]] = {}
_lock = threading.Lock()


def clear() -> None:
    """Forget the built documents (tests that change settings the schema reads)."""
    with _lock:
        _cache.clear()


class CachedSchemaView(SpectacularAPIView):
    """SpectacularAPIView, rendered once per process and format, answered with an ETag."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = request.accepted_renderer.format if hasattr(request, "accepted_renderer") else ""
        lang = request.GET.get("lang", "")
        key = f"{fmt}:{lang}"
        cached = _cache.get(key)
        if cached is None:
            with _lock:
                cached = _cache.get(key)
                if cached is None:
                    response = super().get(request, *args, **kwargs)
                    if isinstance(response, Response):
                        response = self.finalize_response(request, response, *args, **kwargs)
                        response.render()
                    body = bytes(response.content)
                    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
                    cached = (body, response["Content-Type"], etag)
                    _cache[key] = cached
        body, content_type, etag = cached
        if etag in [tag.strip() for tag in request.META.get("HTTP_IF_NONE_MATCH", "").split(",")]:
            answer: HttpResponse = HttpResponseNotModified()
        else:
            answer = HttpResponse(body, content_type=content_type)
        answer["ETag"] = etag
        patch_cache_control(answer, public=True, max_age=300)
        return answer
