"""The service's search pages: the blueprint in feedback/search/views.py over generator/search."""
