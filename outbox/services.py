"""The task outbox: a task is recorded in the same transaction as the change it follows.

`enqueue()` writes an `outbox.OutboxMessage` row. When the transaction commits, the row is
published at once (best effort, with short broker timeouts, so a request never hangs on a
broker that is down). A row that was not published then (broker down, process killed between
commit and publish) waits for `relay()`, which Celery beat runs every few seconds and which
`manage.py relay_outbox` runs by hand. Publishing is at least once: every task is idempotent.
Without a broker (the embedded default) Celery runs tasks eagerly, so publishing runs the task.
"""

import logging
import threading
from datetime import timedelta
from functools import partial

from celery import current_app
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from lms.observability import current_request_id

logger = logging.getLogger(__name__)

# The request that caused a task rides along in the row's kwargs under this key; publish() moves it to a
# message header, so the task's own arguments stay what the service passed (lms/observability.py).
REQUEST_ID_KEY = "__request_id"
LEASE = timedelta(seconds=60)  # longer than any publish; a dead publisher's rows come back after it
RELAY_BATCH = 500
KEEP_SENT = timedelta(days=7)
MAX_FAILURES_IN_A_ROW = 3


def _model():
    from .models import OutboxMessage  # late: callers import this module while apps load

    return OutboxMessage


def enqueue(task_name: str, *args, **kwargs):
    """Record `task_name(*args, **kwargs)` in the current transaction; publish it once that commits."""
    message = _model().objects.create(task_name=task_name, args=list(args), kwargs=_with_request_id(kwargs))
    transaction.on_commit(partial(publish, message.pk))
    return message


def enqueue_batched(task_name: str, args: list, merge) -> object:
    """One message of `task_name` per transaction, however often the transaction asks: the first call
    enqueues `args`; a later call while that message is still waiting unsent in this transaction stores
    `merge(its args, args)` instead (an import of hundreds of learners sends one recount).

    Whether the message is still the transaction's is read from the row itself, in the same UPDATE that
    merges: a committed message has been claimed by its on-commit publish (attempts > 0) and a rolled-back
    one is gone, so either way the next change starts a new message. The process only remembers which row
    it wrote last, as a hint; a wrong hint costs one UPDATE that matches nothing."""
    message = _last_batch.messages.get(task_name)
    if message is not None:
        merged = merge(message.args, list(args))
        waiting = _model().objects.filter(pk=message.pk, sent_at__isnull=True, attempts=0, lease_until__isnull=True)
        if waiting.update(args=merged):
            message.args = merged
            return message
    message = enqueue(task_name, *args)
    _last_batch.messages[task_name] = message
    return message


class _LastBatch(threading.local):
    """task name -> the message this thread (so this connection) batched last."""

    def __init__(self):
        self.messages = {}


_last_batch = _LastBatch()


def enqueue_many(task_name: str, calls: list[tuple]) -> list:
    """Record many calls of one task in one insert (periodic runs); each is published on commit."""
    model = _model()
    kwargs = _with_request_id({})
    messages = model.objects.bulk_create([model(task_name=task_name, args=list(args), kwargs=kwargs)
                                          for args in calls],
                                         batch_size=1000)
    transaction.on_commit(partial(_publish_all, [m.pk for m in messages]))
    return messages


def _with_request_id(kwargs: dict) -> dict:
    request_id = current_request_id()
    return {**kwargs, REQUEST_ID_KEY: request_id} if request_id != "-" else dict(kwargs)


def _publish_all(message_ids) -> None:
    for message_id in message_ids:
        publish(message_id)


def publish(message_id) -> bool:
    """Publish one row if no other publisher holds it; True once it is handed to the broker."""
    message = _claim(message_id)
    if message is None:
        return False
    try:
        task = _task(message.task_name)
        # retry=False: fail at once when the broker is down; the relay tries again later.
        kwargs = dict(message.kwargs)
        headers = {"request_id": kwargs.pop(REQUEST_ID_KEY)} if REQUEST_ID_KEY in kwargs else {}
        task.apply_async(args=message.args, kwargs=kwargs, task_id=str(message.pk), retry=False, headers=headers)
    except Exception as error:  # broker down, unknown task, or (eager mode) the task itself failed
        logger.warning("outbox: %s %s not published: %r", message.task_name, message.pk, error)
        _model().objects.filter(pk=message.pk).update(lease_until=None, last_error=repr(error)[:2000])
        return False
    _model().objects.filter(pk=message.pk).update(sent_at=timezone.now(), lease_until=None, last_error="")
    return True


def _task(name: str):
    """The task object; a web process imports the apps' tasks modules the first time one is needed."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def _claim(message_id):
    """Conditional update: of two publishers (on-commit hook and relay) only one takes the row."""
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    rows = _model().objects.filter(free, pk=message_id, sent_at__isnull=True)
    if not rows.update(lease_until=now + LEASE, attempts=F("attempts") + 1):
        return None
    return _model().objects.get(pk=message_id)


def pending():
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    return _model().objects.filter(free, sent_at__isnull=True)


def relay(limit: int = RELAY_BATCH) -> int:
    """Publish waiting rows, oldest first; gives up after a few failures in a row (broker still down)."""
    published = failures = 0
    for message_id in pending().order_by("created_at").values_list("pk", flat=True)[:limit]:
        if publish(message_id):
            published, failures = published + 1, 0
        else:
            failures += 1
            if failures >= MAX_FAILURES_IN_A_ROW:
                break
    return published


def purge_sent(older_than: timedelta = KEEP_SENT) -> int:
    deleted, _ = _model().objects.filter(sent_at__lt=timezone.now() - older_than).delete()
    return deleted
