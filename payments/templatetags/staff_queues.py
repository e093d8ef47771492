"""`{% staff_queues as queues %}`: the admin index dashboard's numbers."""

from django import template

from ..staff_queues import QueueState
from ..staff_queues import staff_queues as load_queues

register = template.Library()


@register.simple_tag
def staff_queues() -> list[QueueState]:
    return load_queues()
