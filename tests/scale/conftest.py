"""The two-instance cluster fixture for the scale-out tests."""

from tests.scale.cluster import cluster  # noqa: F401  (fixture)
