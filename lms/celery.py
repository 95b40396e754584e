"""The Celery application. Tasks are discovered in every installed app's tasks.py.

Run in production (see docs/jobs.md): one or more workers on the queues `celery` and `slow`, and
exactly one beat. Without CELERY_BROKER_URL every task runs eagerly in the web process.
"""

import logging
import os

from celery import Celery
from celery.beat import PersistentScheduler
from celery.signals import task_postrun, task_prerun

from lms import db_router
from lms.observability import _request_id

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


_tokens = {}
_replica = {}


@task_prerun.connect
def _enter_request_id(task_id=None, task=None, **kwargs):
    """The task's log lines carry the id of the request that caused it (a header set by outbox/services.py);
    a worker sees it on the request, an eager run in `headers`. Without one, the task id stands in."""
    request = task.request
    request_id = getattr(request, "request_id", None) or (getattr(request, "headers", None) or {}).get("request_id")
    if request_id or _request_id.get() == "-":
        _tokens[task_id] = _request_id.set(request_id or f"task-{task_id}")
    if task.name in _replica_tasks():
        context = db_router.replica_reads()
        context.__enter__()
        _replica[task_id] = context


def _replica_tasks():
    from django.conf import settings

    return getattr(settings, "REPLICA_READ_TASKS", ())


@task_postrun.connect
def _leave_request_id(task_id=None, **kwargs):
    context = _replica.pop(task_id, None)
    if context is not None:
        try:
            context.__exit__(None, None, None)
        except ValueError:  # entered in another context: nothing to restore
            pass
    token = _tokens.pop(task_id, None)
    if token is not None:
        try:
            _request_id.reset(token)
        except ValueError:  # set in another context (eager task inside a thread): nothing to restore
            pass
