"""Meeting plans and meeting rules (filled in by the time work)."""
