"""Endpoints, one module per resource: HTTP only, the work is done by the services."""
