"""gunicorn settings of the feedback service behind nginx on the same machine (docs/deploy.md).

Run: ``gunicorn -c deploy/gunicorn.conf.py`` with the service's settings in the environment
(YIMATONG_*, feedback/config.py). Anything here can be overridden on the command line
(``--bind``, ``--workers``) or in GUNICORN_CMD_ARGS; the systemd unit in deploy/systemd
does neither.
"""

from feedback.config import from_env

_settings = from_env()

#: The application: feedback/wsgi.py builds it from the environment.
wsgi_app = "feedback.wsgi:app"

#: Loopback only: nginx is the one client; nothing else should reach gunicorn directly
#: (docs/deploy.md). The generated nginx configuration proxies to YIMATONG_FEEDBACK_ORIGIN,
#: which must name this address (http://127.0.0.1:8000).
bind = "127.0.0.1:8000"

#: Processes. Each has its own copy of the unit directory and its own database connections;
#: rate limits, sessions and the mail outbox are in the database, so workers agree. Two keep
#: the service up while one restarts (max_requests below). On 2 cores, measured with
#: bench/service_capacity.py (docs/scale.md): 4 workers (or 3 x 2 threads) filed fewer
#: reports a second than 2, spending more CPU per report and contending more for SQLite's
#: write lock; give a machine about one worker per core.
workers = 2

#: Threads per worker (gthread): a request waiting on SMTP, S3 or the database does not hold
#: up the others. 2 workers x 4 threads answer 8 requests at once. Measured on 2 cores,
#: 2 x 4, 2 x 2, 1 x 8 and 2 sync workers filed reports at rates within the noise of a
#: shared machine; threads are kept because a slow photo upload or SMTP server then holds
#: one thread, not a whole worker.
worker_class = "gthread"
threads = 4

#: Seconds a request may take before its worker is killed and restarted: a report with five
#: 10 MB photos is checked and stored well within it. nginx waits 60 s (proxy_read_timeout),
#: longer than this, so a slow request ends in gunicorn's restart, not a hanging client.
timeout = 30

#: Seconds a worker gets to finish its requests on reload or stop (systemctl reload/stop).
graceful_timeout = 30

#: Seconds an idle keep-alive connection from nginx stays open.
keepalive = 5

#: A worker is replaced after about this many requests (jitter spreads the restarts), so
#: slow leaks never pile up.
max_requests = 2000
max_requests_jitter = 200

#: Not preloaded: each worker builds the app itself, so no database connection or mail
#: thread is shared across fork, and a reload (HUP) loads new code.
preload_app = False


def on_starting(server):  # type: ignore[no-untyped-def]
    """Refuse before any worker starts: build the app once with the service's own checks.

    A production start with a weak or development secret or debug on (feedback/security.py)
    logs every problem and exits with 4, always (workers failing one by one end with 1 or
    3, depending on which dies first); the systemd unit does not restart on 4.
    """
    from feedback.app import create_app
    from feedback.security import SettingsError

    try:
        create_app()
    except SettingsError as exc:
        server.log.error(str(exc))
        raise SystemExit(4) from None


#: Which peers gunicorn believes about X-Forwarded-Proto. The service itself trusts exactly
#: YIMATONG_PROXY_HOPS proxies (werkzeug's ProxyFix, feedback/security.py); gunicorn follows
#: the same setting: with hops, nginx on this machine (loopback); without, nobody.
forwarded_allow_ips = "127.0.0.1,::1" if _settings["PROXY_HOPS"] > 0 else ""

#: No control socket (gunicorn 24+ opens one in the home folder by default): systemd starts,
#: reloads and stops the service (deploy/systemd), and two services would share the path.
control_socket_disable = True

#: Logs to stdout/stderr: systemd's journal keeps them (journalctl -u yimatong-feedback).
accesslog = "-"
errorlog = "-"
loglevel = "info"
#: Client address as nginx forwarded it, method, path (no query string), status, bytes, time.
#: Private links /r/<token> appear in it (and in nginx's log): keep the journal as private
#: as the database.
access_log_format = '%({x-forwarded-for}i)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Open the search index in a thread as each worker starts, and open each new build's
    index beside the one answering (YIMATONG_SEARCH_REFRESH_SECONDS, feedback/search/views.py),
    so no visitor's search waits for an open: 3.4 s at a million units embedded."""
    from flask import Flask

    from feedback.search.views import start_warming

    if isinstance(worker.wsgi, Flask):  # not gunicorn's error app of a worker that failed
        start_warming(worker.wsgi)
