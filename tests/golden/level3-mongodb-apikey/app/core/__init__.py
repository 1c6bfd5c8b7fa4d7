"""Cross-cutting code: security (and, from level 4, settings, logging, errors and middleware)."""
