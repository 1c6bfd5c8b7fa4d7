"""The database: declarative Base, async engine and per-request session."""
