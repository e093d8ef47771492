"""What OPTIONS answers: DRF's description of a route, for every route."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request, clone_request


class Metadata(SimpleMetadata):
    """DRF's metadata, where a PUT on a route without an object in its URL (a list-level
    action such as a preference) is described without looking an object up, so OPTIONS
    answers 200 on every route instead of failing DRF's lookup assertion."""

    def determine_actions(self, request: Request, view: Any) -> dict:
        actions = {}
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        for method in {"PUT", "POST"} & set(view.allowed_methods):
            view.request = clone_request(request, method)
            try:
                if hasattr(view, "check_permissions"):
                    view.check_permissions(view.request)
                if method == "PUT" and hasattr(view, "get_object") and lookup in view.kwargs:
                    view.get_object()
            except (exceptions.APIException, PermissionDenied, Http404):
                pass
            else:
                actions[method] = self.get_serializer_info(view.get_serializer())
            finally:
                view.request = request
        return actions
