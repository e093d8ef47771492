"""Brand, IP, brief, invitation and bid endpoints (built by the campaigns issue)."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
