"""The Open311 blueprint itself, which the route modules decorate (errors, requests, views)."""

from flask import Blueprint

from feedback.extensions import csrf

bp = Blueprint("open311", __name__)
# API clients post forms without a session, so there is no CSRF token to check; the key is the check.
csrf.exempt(bp)
