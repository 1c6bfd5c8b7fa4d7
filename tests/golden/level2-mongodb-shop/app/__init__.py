"""Mongo Shop: a FastAPI CRUD API for products."""
