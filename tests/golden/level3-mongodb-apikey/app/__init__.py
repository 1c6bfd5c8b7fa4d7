"""Mongo Keys: a FastAPI CRUD API for tasks."""
