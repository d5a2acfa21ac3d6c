"""Search over published records: the /search page and /api/search (owned by the search work)."""

from flask import Blueprint

bp = Blueprint("search", __name__)
