"""Find markup an attacker could have injected: inline scripts, event handlers, javascript: URLs."""

from __future__ import annotations

from html.parser import HTMLParser

MARK = "XSSMARK"
# Short enough for 40-character columns (a helper's display name), still three attacks in one.
PAYLOAD = f'{MARK}"><script>alert(1)</script><img src=x onerror=alert(2)>'
LINK_PAYLOAD = f'{MARK}<a href="javascript:alert(3)">x</a>'
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if (
                name in URL_ATTRIBUTES
                and value
                and value.strip().lower().startswith(("javascript:", "vbscript:", "data:text/html"))
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not dict(attrs).get("src"):
            self._in_script = True
        if tag == "img" and dict(attrs).get("src") == "x":
            self.problems.append("<img src=x> (the payload's tag)")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data.strip()[:60]!r}")


def injected_markup(html: str) -> list[str]:
    """Everything in the page that would run script; [] for a safe page."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.problems
