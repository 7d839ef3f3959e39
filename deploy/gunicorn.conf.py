"""gunicorn settings for the tool: `gunicorn -c deploy/gunicorn.conf.py 'lms_plugin:create_app()'`.

Every value can be overridden by the environment (GUNICORN_* below) so one file serves a laptop,
a 2-core VM and a larger host. See docs/deployment.md.
"""

from __future__ import annotations

import multiprocessing
import os

# Behind the TLS reverse proxy on the same host; never exposed directly.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: the app is I/O light and CPU bound (RS256, templates); threads help while a
# request waits on PostgreSQL or on a platform's JWKS/token endpoint.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"

# A request never legitimately takes 30 s (SQLite's busy timeout is 15 s, platform calls 10 s).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5

# Recycle workers now and then so a slow leak can never take the service down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200

# Uploads are limited by the app (MAX_CONTENT_LENGTH, 40 MB); headers stay small.
limit_request_line = 8190
limit_request_field_size = 8190

# The proxy sets X-Forwarded-*; the app's ProxyFix (LMS_TRUSTED_PROXIES, default 1) reads them.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs: the app writes JSON lines to stderr; gunicorn's access log would only repeat them.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")

# create_app() builds no connections at import, so preloading is safe and saves memory; the
# database pool is created lazily in each worker after the fork.
preload_app = True
