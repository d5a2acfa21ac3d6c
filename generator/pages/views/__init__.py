"""One module per page type (unit, outlet, listings, home, stats, pages), each with
``register(app)`` and its outputs; generator/pages/outputs.py lists them."""
