"""Celery: the app (celery_app.py) and its tasks (tasks.py).

Run a worker with `celery -A app.workers.celery_app worker`.
"""
