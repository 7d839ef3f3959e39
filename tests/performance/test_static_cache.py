"""Static files: versioned URLs kept a year by browsers; a changed file gets a new URL."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient


def test_pages_link_versioned_static_files_that_browsers_keep(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'(/static/[^"?]+\?v=[0-9a-f]{12})"', page)
    assert links, page[:500]
    response = client.get(links[0])
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.immutable
    unversioned = client.get(links[0].split("?")[0])
    assert unversioned.status_code == 200
    assert unversioned.cache_control.max_age != 365 * 24 * 3600


def test_a_changed_file_gets_a_new_url(app: Flask, tmp_path: object) -> None:
    from lms_plugin.static_cache import version_of

    folder = str(tmp_path)
    with open(f"{folder}/a.css", "w") as handle:
        handle.write("a{}")
    first = version_of(folder, "a.css")
    with open(f"{folder}/a.css", "w") as handle:
        handle.write("a{color:red}")
    assert first and version_of(folder, "a.css") not in (None, first)
    assert version_of(folder, "../../etc/passwd") is None
    assert version_of(folder, "missing.css") is None
