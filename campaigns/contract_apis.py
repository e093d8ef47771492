"""Contract endpoints: reading here; funding, delivery, approval and the other money actions
come from payments.apis.ContractMoneyActions."""

from django.db.models import QuerySet
from rest_framework import permissions, viewsets

from payments.apis import ContractMoneyActions

from . import selectors
from .filters import ContractFilter
from .models import Contract
from .serializers import ContractSerializer


class ContractViewSet(ContractMoneyActions, viewsets.ReadOnlyModelViewSet):
    """Contracts you are a party to: as their creator or a member of their brand (staff: all)."""

    serializer_class = ContractSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    filterset_class = ContractFilter
    search_fields = ["brief__title", "creator__handle", "brand__name"]
    ordering_fields = ["created_at", "amount", "delivery_deadline"]
    ordering = ["-id"]

    def get_queryset(self) -> QuerySet[Contract]:
        return selectors.contracts_visible_to(self.request.user)
