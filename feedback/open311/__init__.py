"""Open311 GeoReport v2 under /open311/v2/ and the OpenAPI document at /api/openapi.json."""

from flask import Blueprint

from feedback.extensions import csrf

bp = Blueprint("open311", __name__)
# API clients post forms without a session, so there is no CSRF token to check; the key is the check.
csrf.exempt(bp)

from feedback.open311 import errors, keys, requests, views  # noqa: E402,F401  (routes and tables)

__all__ = ["bp"]
