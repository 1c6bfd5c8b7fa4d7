"""The /api/v2 endpoints, one module per resource."""
