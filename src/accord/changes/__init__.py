"""Change requests reviewed by every department, freezes, conflicts, review meetings (issue 14)."""
