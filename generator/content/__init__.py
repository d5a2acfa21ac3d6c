"""Content: read ``content/`` into the frozen model, check it whole, report every problem."""
