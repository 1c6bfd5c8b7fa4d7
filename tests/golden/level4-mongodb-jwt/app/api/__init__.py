"""The HTTP layer: dependencies and the versioned routes. The rules live in app/services."""
