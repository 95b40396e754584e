"""The Celery application. Tasks are discovered in every installed app's tasks.py.

Run in production (see docs/jobs.md): one or more workers on the queues `celery` and `slow`, and
exactly one beat. Without CELERY_BROKER_URL every task runs eagerly in the web process.
"""

import logging
import os

from celery import Celery
from celery.beat import PersistentScheduler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

logger = logging.getLogger(__name__)

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Certificates live in a package of courses, not in courses/tasks.py.
app.autodiscover_tasks(["courses.certificates"])


class InstalledTasksScheduler(PersistentScheduler):
    """Beat's default scheduler, minus entries whose task no installed app defines.

    The schedule in settings names every periodic job of the project; a job whose app is not
    there yet (or was removed) is skipped with a warning instead of filling the worker's log
    with "unregistered task" errors every few seconds.
    """

    def setup_schedule(self):
        self.app.loader.import_default_modules()
        installed = set(self.app.tasks)
        schedule = self.app.conf.beat_schedule
        for name in [name for name, entry in schedule.items() if entry["task"] not in installed]:
            logger.warning("beat: skipping %s, task %s is not installed", name, schedule.pop(name)["task"])
        super().setup_schedule()
