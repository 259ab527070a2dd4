"""Capacity-aware planning: team capacity, the optimizer, scenarios, load (issue 12)."""
