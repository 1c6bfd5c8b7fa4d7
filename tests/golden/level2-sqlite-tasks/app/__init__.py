"""My Tasks: a FastAPI CRUD API for tasks."""
