"""Database access, one repository per aggregate: queries only, no rules."""
