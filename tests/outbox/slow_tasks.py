"""A task for the worker-kill test, loaded into the test's worker with `-I tests.outbox.slow_tasks`.

It runs the real certificate rendering, then (on its first run only) records its pid and sleeps, so
the test can SIGKILL the pool process after the effect committed but before the message was acked.
"""

import os
import time
from pathlib import Path

from celery import shared_task


@shared_task(name="tests.render_then_stall")
def render_then_stall(certificate_id: int, marker_dir: str) -> bool:
    from courses.certificates.services import render_certificate

    markers = Path(marker_dir)
    with (markers / "runs").open("a") as runs:
        runs.write(f"{os.getpid()}\n")
    rendered = render_certificate(certificate_id)
    if not (markers / "stalled").exists():
        (markers / "stalled").write_text(str(os.getpid()))
        time.sleep(120)  # killed here
    return rendered
