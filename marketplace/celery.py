"""The Celery app. With no CELERY_BROKER_URL tasks run eagerly in the web process."""

import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

from . import request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id travels with every task it starts (a message header) and back into its logs.
before_task_publish.connect(request_id.add_to_task_headers, weak=False)
task_prerun.connect(request_id.take_from_task, weak=False)
task_postrun.connect(request_id.clear_after_task, weak=False)
