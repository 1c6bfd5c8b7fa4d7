"""Mongo Prod: a FastAPI CRUD API for tasks."""
