"""Reading pages as a browser needs them: forms, the first iframe, the tool's continue URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    """A form on a page: where it goes and its named inputs."""

    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _PageParser(HTMLParser):
    """The forms of a page, the first iframe's src and the tool's cookie-check continue URL."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.iframe_src: str | None = None
        self.continue_url: str | None = None  # the tool's cookie check continues there (JS)
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = Form(values.get("action", ""), values.get("method", "get").lower())
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and values.get("name"):
            self._current.fields[values["name"]] = values.get("value", "")
        elif tag == "iframe" and self.iframe_src is None:
            self.iframe_src = values.get("src")
        if values.get("data-continue-url") and self.continue_url is None:
            self.continue_url = values["data-continue-url"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None

    def form_to(self, needle: str) -> Form:
        """The form whose action contains `needle`."""
        for form in self.forms:
            if needle in form.action:
                return form
        raise AssertionError(f"no form posting to {needle!r}: {[f.action for f in self.forms]}")


def parse_page(html: str) -> _PageParser:
    """Read a page as a browser would need it: forms, iframe, continue URL."""
    parser = _PageParser()
    parser.feed(html)
    return parser
