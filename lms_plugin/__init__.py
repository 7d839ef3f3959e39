"""LTI 1.3 Advantage tool for the mentor-training and peer-helper programme."""

from lms_plugin.app import create_app

__all__ = ["create_app"]
