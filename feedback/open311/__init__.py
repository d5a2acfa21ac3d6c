"""Open311 GeoReport v2 under /open311/v2/ and the OpenAPI document at /api/openapi.json.

The blueprint is in ``blueprint``; ``api`` imports the modules that register its routes.
"""
