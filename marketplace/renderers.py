"""The JSON renderer: never fails on text it cannot encode."""

from typing import Any

from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer, which writes UTF-8; an answer holding text that UTF-8 cannot
    encode (an unpaired surrogate that reached a message) is written with ASCII escapes
    instead of failing with a 500."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict | None = None,
    ) -> bytes:
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            escaped = JSONRenderer()
            escaped.ensure_ascii = True
            return escaped.render(data, accepted_media_type, renderer_context)
