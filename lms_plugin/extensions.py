"""Flask extensions, created unbound and bound in create_app."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
cache = Cache()


def _limiter_key() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=_limiter_key, default_limits=[])
