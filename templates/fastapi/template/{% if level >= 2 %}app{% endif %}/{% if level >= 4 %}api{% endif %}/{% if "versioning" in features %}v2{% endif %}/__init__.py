"""The /api/v2 routes: the same services as /api/v1, with the shapes of version 2."""
