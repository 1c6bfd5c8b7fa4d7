"""Pydantic models of the request and response bodies."""
