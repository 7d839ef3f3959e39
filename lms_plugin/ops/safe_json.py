"""JSON parsing that treats absurdly deep nesting as bad input (400), not as a crash (500).

`json.loads` raises RecursionError on `[[[[…]]]]` a few thousand levels deep; Werkzeug's
`get_json(silent=True)` only catches ValueError, so every JSON endpoint answered 500 to a
40 KB request body. The provider turns it into the ValueError the rest of the stack expects.
"""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, with too-deep documents refused like malformed ones."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc
