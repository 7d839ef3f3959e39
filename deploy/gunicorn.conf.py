"""gunicorn settings for the tool: `gunicorn -c deploy/gunicorn.conf.py 'lms_plugin:create_app()'`.

Every value can be overridden by the environment (GUNICORN_* below) so one file serves a laptop,
a 2-core VM and a larger host. See docs/deployment.md.
"""

from __future__ import annotations

import multiprocessing
import os

# Behind the TLS reverse proxy on the same host; never exposed directly.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sized for the machine: one process per core plus one, two threads each.
# A page is CPU bound (templates, RS256, SQLAlchemy: ~15-20 ms of one core for a lesson page, of
# which ~10-20 % waits on PostgreSQL), and one process runs Python on one core at a time (GIL).
# So more processes than cores only add context switches, ~100 MB each and database connections,
# and more threads per process only share the same core: the old 2 x cores + 1 processes x 4
# threads (20 requests in progress on 2 cores) made each request wait ~10 x its own CPU time
# inside the workers. cores + 1 processes keep every core busy while one waits on the database;
# the second thread lets a process answer another request while its first waits on PostgreSQL
# or on a platform's JWKS/token endpoint. Requests beyond that wait in the listen backlog (FIFO),
# which keeps the p95 close to the p50. See docs/deployment.md and docs/benchmarks.md.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))

# A request never legitimately takes 30 s (SQLite's busy timeout is 15 s, platform calls 10 s).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5

# Recycle workers now and then so a slow leak can never take the service down. Not too often: a
# fresh worker starts with cold caches (course content, templates, platform keys) and a worker's
# exit drops its kept-alive connections. At 2,000 a worker was recycled every minute at 100 req/s
# (issue 20's load test: connection errors and a stall at each recycle); /healthz no longer grows
# the statement cache, which was the measured growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000

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
