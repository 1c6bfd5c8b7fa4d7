"""Cross-cutting code: settings, security, logging, errors, middleware and rate limits."""
