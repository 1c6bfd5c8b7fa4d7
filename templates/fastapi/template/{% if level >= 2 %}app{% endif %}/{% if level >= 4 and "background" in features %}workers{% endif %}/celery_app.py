"""The Celery app of the `background` feature: durable jobs on Redis, run by separate worker
processes (`celery -A app.workers.celery_app worker`; compose.yaml runs them as `worker`).

The API enqueues and reads results through `create_celery(settings, fail_fast=True)`; the worker
command finds the module-level `celery_app`, built from the environment like the API's settings.
"""

from celery import Celery

from app.core.config import Settings, get_settings

TASK_MODULES = ["app.workers.tasks"]


# The API's retries when the broker or result backend is down: about a second, then 503. A worker
# keeps Celery's longer defaults, so that a short Redis outage does not lose a job's result.
FAIL_FAST_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}


def create_celery(settings: Settings, *, fail_fast: bool = False) -> Celery:
    celery = Celery(
        "app",
        broker=settings.celery_broker_url or settings.redis_url,
        backend=settings.celery_result_backend or settings.redis_url,
        include=TASK_MODULES,
    )
    celery.conf.update(
        # JSON only: a pickled message from whoever reaches the broker would run code.
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # A job is acknowledged when it is done, not when received, and goes back to the queue
        # if its worker dies: a crash means the job runs again, so tasks must be idempotent.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # One job at a time per worker process: long jobs do not pile up behind one another.
        worker_prefetch_multiplier=1,
        # SoftTimeLimitExceeded inside the task first, then the worker kills it.
        task_soft_time_limit=settings.job_soft_time_limit,
        task_time_limit=settings.job_time_limit,
        task_track_started=True,
        result_expires=settings.job_ttl,
        # A worker started before Redis keeps trying instead of exiting.
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=2,
        redis_socket_connect_timeout=2,
        redis_socket_timeout=5,
        # Tests only: jobs run in the calling process and their results are kept as a worker's.
        task_always_eager=settings.celery_task_always_eager,
        task_store_eager_result=True,
    )
    if fail_fast:
        celery.conf.update(
            task_publish_retry_policy=FAIL_FAST_RETRY_POLICY,
            broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5},
            result_backend_transport_options={"retry_policy": FAIL_FAST_RETRY_POLICY},
        )
    return celery


celery_app = create_celery(get_settings())
