"""Database operations: plain functions that take a Session, no HTTP here."""
