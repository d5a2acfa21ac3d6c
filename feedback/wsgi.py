"""The WSGI application gunicorn serves (``feedback.wsgi:app``, see deploy/gunicorn.conf.py).

Settings come from the environment (feedback/config.py); a production start with a weak
secret or debug on raises here, so the worker never serves (docs/deploy.md).
"""

from __future__ import annotations

from feedback.app import create_app

app = create_app()
