"""A task for the request-id test, loaded into the test's worker with `-I tests.deploy.worker_tasks`."""

import logging
from pathlib import Path

from celery import shared_task

from lms.observability import current_request_id


@shared_task(name="tests.deploy.write_request_id")
def write_request_id(path: str) -> None:
    logging.getLogger("tests.deploy").warning("task for the request-id test ran")
    Path(path).write_text(current_request_id())
