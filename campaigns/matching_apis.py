"""Matching endpoints (built by the matching issue)."""

urlpatterns: list = []
