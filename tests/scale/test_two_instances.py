"""Two instances behind one address, sharing PostgreSQL and Redis: the OIDC login runs on one,
the launch on the other, and the session works on both (CI's PostgreSQL pass; needs Redis).

Each instance is gunicorn with deploy/gunicorn.conf.py. The "load balancer" is this test: it sends
each browser request to the instance the scenario needs, always with the same public Host.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.scale.cluster import Browser, Cluster, practice_link

pytestmark = pytest.mark.postgres


def test_login_on_one_instance_launch_on_the_other(app: Flask, cluster: Cluster) -> None:
    browser = Browser(cluster)
    launch = browser.launch("anna", practice_link(app), login_on=1, launch_on=0)
    landing = browser.go(1, "GET", launch.headers["Location"])  # the session works on instance 1
    if landing.status_code in (302, 303):
        landing = browser.go(1, "GET", landing.headers["Location"])
    assert landing.status_code == 200, landing.text[:500]
    assert "Anna" in landing.text
    progress = browser.go(0, "GET", "/progress/")
    assert progress.status_code == 200 and "Anna" in progress.text
