"""One vocabulary: terms with definitions per audience, marked in context (issue 14)."""
