"""Role definitions, RACI per initiative with checks and suggestions, the interaction map (issue 13)."""
