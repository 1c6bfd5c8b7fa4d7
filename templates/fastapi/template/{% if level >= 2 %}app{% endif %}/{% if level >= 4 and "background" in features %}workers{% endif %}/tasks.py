"""Celery tasks: pure functions of their JSON arguments, safe to run twice (a job whose worker
died is delivered again, see celery_app.py)."""

import math

from celery import shared_task

# The name the API enqueues by: it stays the same if the function moves.
SUMMARIZE = "reports.summarize"


# ConnectionError: what a task that calls another service raises when it is briefly away; the
# job is retried later (1 s, 2 s, 4 s, ... with jitter), five times at most.
@shared_task(
    name=SUMMARIZE,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def summarize(values: list[float]) -> dict[str, float | int]:
    """A report on a series of numbers: how many, their total, mean, minimum and maximum."""
    if not values:
        raise ValueError("nothing to summarize")
    total = math.fsum(values)
    return {
        "count": len(values),
        "total": total,
        "mean": total / len(values),
        "minimum": min(values),
        "maximum": max(values),
    }
