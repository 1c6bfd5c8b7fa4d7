"""Orders: a FastAPI CRUD API for orders."""
