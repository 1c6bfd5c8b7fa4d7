"""Business rules: no HTTP and no SQL here; they raise the domain errors of app/core/errors.py."""
