"""The actions on one milestone, written once.

The milestone is the unit of money: `/milestones/{id}/<action>/` acts on that milestone, and
`/contracts/{id}/<action>/` on a one-milestone contract's milestone (a contract of several
answers 409 `use_milestone_endpoints`, `selectors.single_milestone_id`). Both viewsets build
their actions from the specs below; each viewset says only how it finds the milestone
(`milestone_id_of`) and what it answers (`answer`, its own serializer)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from marketplace.models import User
from marketplace.permissions import IsStaff

from . import selectors
from .serializers import (
    DeliveryCreateSerializer,
    DeliverySerializer,
    DisputeSerializer,
    ResolveSerializer,
    RevisionRequestSerializer,
    StaffRefundSerializer,
)
from .services import deliveries, payouts, refunds

Run = Callable[[User, int, dict[str, Any]], object]


@dataclass(frozen=True)
class MilestoneAction:
    """One POST action on a milestone: the service it runs and the body it takes."""

    run: Run
    request: type[serializers.Serializer] | None = None
    url_path: str | None = None
    staff_only: bool = False
    doc: str = ""


APPROVE = MilestoneAction(
    run=lambda actor, mid, data: payouts.milestone_approve(actor=actor, milestone_id=mid),
    doc="The brand approves the delivered work: the creator's share is paid out.",
)
REQUEST_REVISION = MilestoneAction(
    run=lambda actor, mid, data: deliveries.milestone_request_revision(
        actor=actor, milestone_id=mid, note=data["note"], feedback=data.get("feedback", [])
    ),
    request=RevisionRequestSerializer,
    url_path="request-revision",
    doc="The brand asks for changes to the latest delivery (timestamped `feedback` optional).",
)
DISPUTE = MilestoneAction(
    run=lambda actor, mid, data: refunds.milestone_dispute_open(
        actor=actor, milestone_id=mid, reason=data["reason"]
    ),
    request=DisputeSerializer,
    doc="Either party disputes funded, delivered or revision-requested work.",
)
RESOLVE = MilestoneAction(
    run=lambda actor, mid, data: refunds.milestone_dispute_resolve(
        actor=actor, milestone_id=mid, **data
    ),
    request=ResolveSerializer,
    staff_only=True,
    doc="Staff resolve the open dispute: release, refund or split.",
)
CANCEL = MilestoneAction(
    run=lambda actor, mid, data: deliveries.milestone_cancel(actor=actor, milestone_id=mid),
    doc="Either party cancels work that was never funded.",
)
REFUND = MilestoneAction(
    run=lambda actor, mid, data: refunds.milestone_refund_request(actor=actor, milestone_id=mid),
    doc="Agree to a full refund before delivery; it happens when both parties have agreed.",
)
STAFF_REFUND = MilestoneAction(
    run=lambda actor, mid, data: refunds.milestone_refund_by_staff(
        actor=actor, milestone_id=mid, reason=data["reason"]
    ),
    request=StaffRefundSerializer,
    url_path="staff-refund",
    staff_only=True,
    doc="Staff refund funded or paid work (a paid one's transfer is reversed first).",
)


def validated(serializer: type[serializers.Serializer] | None, request: Request) -> dict:
    """The request body checked by `serializer` (400 naming the field), or {} without one."""
    if serializer is None:
        return {}
    data = serializer(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def milestone_action(name: str, spec: MilestoneAction) -> Callable:
    """A viewset action `name` that runs `spec` on the object's milestone and answers the
    object as the viewset shows it."""

    def view(self: Any, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        spec.run(request.user, self.milestone_id_of(obj), validated(spec.request, request))
        return self.answer(obj.pk)

    view.__name__ = view.__qualname__ = name
    view.__doc__ = spec.doc
    allowed = [IsStaff] if spec.staff_only else [permissions.IsAuthenticated]
    routed = action(
        detail=True, methods=["post"], url_path=spec.url_path, permission_classes=allowed
    )(view)
    return extend_schema(request=spec.request)(routed)


def deliver(request: Request, milestone_id: int) -> Response:
    """The creator delivers videos for a milestone: 201 with the delivery and its videos."""
    data = validated(DeliveryCreateSerializer, request)
    delivery = deliveries.milestone_deliver(
        actor=request.user,
        milestone_id=milestone_id,
        videos=data["videos"],
        note=data.get("note", ""),
    )
    delivery = selectors.deliveries_with_videos().get(pk=delivery.pk)
    return Response(DeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)


class MilestoneActions(viewsets.GenericViewSet):
    """The milestone actions of a viewset that says how it finds the milestone
    (`milestone_id_of`) and what it answers (`answer`)."""

    approve = milestone_action("approve", APPROVE)
    request_revision = milestone_action("request_revision", REQUEST_REVISION)
    dispute = milestone_action("dispute", DISPUTE)
    resolve = milestone_action("resolve", RESOLVE)
    cancel = milestone_action("cancel", CANCEL)
    refund = milestone_action("refund", REFUND)
    staff_refund = milestone_action("staff_refund", STAFF_REFUND)
