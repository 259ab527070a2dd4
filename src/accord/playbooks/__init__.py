"""Playbooks, runs and post-mortems (issue 14)."""
