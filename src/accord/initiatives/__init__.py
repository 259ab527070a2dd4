"""Initiatives and lifecycle stages with gates (issue 13)."""
