"""The coordination fixtures (an organisation, its coordinator, an English browser) reused."""

from tests.coordination.conftest import _english, client, org

__all__ = ["_english", "client", "org"]
