"""Secure: a FastAPI CRUD API for tasks."""
