"""Go-to-market launch plans: positioning, maps, checklists, calendar (issue 13)."""
