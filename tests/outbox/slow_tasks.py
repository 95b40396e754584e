"""Tasks for the worker-kill tests, loaded into the test's worker with `-I tests.outbox.slow_tasks`.

`render_then_stall` runs the real certificate rendering, then (on its first run only) records its pid and
sleeps, so the test can SIGKILL the pool process after the effect committed but before the message was
acked. `export_then_stall` runs the real export, but its first run stalls mid-export (the job "running").
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


@shared_task(name="tests.export_then_stall")
def export_then_stall(job_id: int, marker_dir: str) -> None:
    from reports import exports, services

    markers = Path(marker_dir)
    with (markers / "runs").open("a") as runs:
        runs.write(f"{os.getpid()}\n")
    if (markers / "stalled").exists():
        services.run_export(job_id)  # the redelivery
        return

    def stall(job, progress):
        (markers / "stalled").write_text(str(os.getpid()))
        time.sleep(120)  # killed here, the job claimed and "running"

    exports.learner_export = stall  # this pool process only; it is killed before it returns
    services.run_export(job_id)
