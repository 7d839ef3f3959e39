"""Course Markdown → safe HTML: tables, footnotes, callouts; lesson links and images rewritten.

The parser is cmark-gfm (GitHub's C implementation of CommonMark, through `cmarkgfm`): its time
grows linearly with the text, so a hostile answer (`"[" * 16000`, deep nesting) costs
milliseconds, where Python-Markdown took minutes (docs/benchmarks.md, "Markdown rendering").
Callouts (`!!! case "Title"`) are not CommonMark: `_callouts` turns them into `<div>` blocks
before parsing, in one pass over the lines. Everything is then cleaned by nh3 (an allow-list).
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from flask import has_request_context, request, url_for
from markupsafe import Markup

from lms_plugin.courses.content import Course, Lesson, Module
from lms_plugin.courses.markdown_checks import CALLOUT_TYPES

TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "img",
    "sup",
    "sub",
    "div",
    "span",
    "dl",
    "dt",
    "dd",
    "abbr",
}
ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "div": {"class"},
    "p": {"class"},
    "sup": {"id"},
    "li": {"id"},
    "ol": {"start"},
    "abbr": {"title"},
}
CLASSES = {
    "admonition",
    "admonition-title",
    "footnote",
    "footnote-ref",
    "footnote-backref",
    "table-scroll",
    *CALLOUT_TYPES,
}
URL_SCHEMES = {"http", "https", "mailto"}
CACHE_SIZE = 512
ANSWER_CACHE_SIZE = 256
# Raw HTML is let through the parser (lessons use a little) because nh3 removes all but TAGS.
CMARK_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES
CMARK_EXTENSIONS = ["table", "autolink"]
MAX_CALLOUT_DEPTH = 4  # a callout in a callout is fine; 200 levels is an attack
# The HTML5 parser inside nh3 is quadratic in the depth of nested block containers (">" * 100000
# is 100,000 nested blockquotes: a minute); inline tags and auto-closed ones (p, li) are cheap.
# Deeper than this, the text is shown as plain text.
MAX_NESTING = 500

_cache: OrderedDict[tuple[str, ...], Markup] = OrderedDict()
_answers: OrderedDict[str, Markup] = OrderedDict()
_cache_lock = threading.Lock()

_CALLOUT = re.compile(r'^!!! ?([\w-]+(?: +[\w-]+)*)(?: +"([^"]*)")? *$')
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LESSON_HREF = re.compile(r'<a href="lesson:([^"]*)"')
_IMG_SRC = re.compile(r'<img src="([^"]*)"')
_TABLE_OPEN = re.compile(r"<table>")
_FOOTNOTE_REF = re.compile(
    r'<sup class="footnote-ref"><a href="#fn-([^"]*)" id="fnref-([^"]*)" data-footnote-ref>'
)
_CONTAINERS = (
    "address|applet|article|aside|blockquote|center|details|dialog|dir|div|dl|fieldset|"
    "figcaption|figure|footer|form|header|hgroup|listing|main|marquee|menu|nav|object|ol|pre|"
    "section|summary|table|template|ul|xmp"
)
_CONTAINER = re.compile(rf"<(/?)(?:{_CONTAINERS})\b", re.IGNORECASE)
_FOOTNOTES_OPEN = '<section class="footnotes" data-footnotes>'
_FOOTNOTE_ITEM = re.compile(r'<li id="fn-([^"]*)">')
_BACKREF = re.compile(r'<a href="#fnref-([^"]*)" class="footnote-backref"')


def _indented(line: str) -> str | None:
    """The line without one level of indentation (4 spaces or a tab), or None if not indented."""
    if line.startswith("    "):
        return line[4:]
    if line.startswith("\t"):
        return line[1:]
    return None


def _callouts(text: str, depth: int = 0) -> str:
    """`!!! type "Title"` + an indented body → a `<div class="admonition type">` block.

    The same syntax as Python-Markdown's admonition extension, which the course format
    documents. One pass over the lines; bodies are handled again only up to MAX_CALLOUT_DEPTH.
    """
    if "!!!" not in text or depth >= MAX_CALLOUT_DEPTH:
        return text
    lines = text.split("\n")
    out: list[str] = []
    fence = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            out.append(line)
            i += 1
            continue
        if opening:
            fence = opening.group(1)
        match = None if fence else _CALLOUT.match(line)
        if match is None:
            out.append(line)
            i += 1
            continue
        kinds = match.group(1).lower().split()
        title = match.group(2) if match.group(2) is not None else kinds[0].capitalize()
        i += 1
        body: list[str] = []
        while i < len(lines):
            inner = _indented(lines[i])
            if inner is None and not lines[i].strip():
                following = lines[i + 1] if i + 1 < len(lines) else ""
                inner = "" if _indented(following) is not None else None
            if inner is None:
                break
            body.append(inner)
            i += 1
        out += ["", f'<div class="admonition {html_lib.escape(" ".join(kinds))}">', ""]
        if title:
            out += [f'<p class="admonition-title">{html_lib.escape(title)}</p>', ""]
        out += [_callouts("\n".join(body), depth + 1), "", "</div>", ""]
    return "\n".join(out)


def _footnotes(html: str) -> str:
    """cmark-gfm's footnote markup in the shape the lesson styles (and old links) expect."""
    if "data-footnote-ref" not in html:
        return html
    html = _FOOTNOTE_REF.sub(r'<sup id="fnref:\2"><a class="footnote-ref" href="#fn:\1">', html)
    start = html.rfind(_FOOTNOTES_OPEN)
    if start < 0:
        return html
    tail = html[start + len(_FOOTNOTES_OPEN) :]
    end = tail.rfind("</section>")
    if end >= 0:
        tail = tail[:end] + "</div>" + tail[end + len("</section>") :]
    tail = _FOOTNOTE_ITEM.sub(r'<li id="fn:\1">', tail)
    tail = _BACKREF.sub(r'<a class="footnote-backref" href="#fnref:\1"', tail)
    return html[:start] + '<div class="footnote">\n<hr />' + tail


def _too_deep(html: str) -> bool:
    """More than MAX_NESTING block containers open at once (unclosed raw tags count as open)."""
    lower = html.lower()
    # Cheap bound first (str.count runs in C): fewer openings than the limit cannot nest deeper.
    if sum(lower.count("<" + name) for name in _CONTAINERS.split("|")) <= MAX_NESTING:
        return False
    depth = 0
    for match in _CONTAINER.finditer(html):
        depth += -1 if match.group(1) else 1
        if depth > MAX_NESTING:
            return True
    return False


def _plain(text: str) -> str:
    """The text itself, escaped, in paragraphs: what pathological nesting is shown as."""
    paragraphs = (p.strip("\n") for p in re.split(r"\n[ \t]*\n", text))
    return "".join(
        "<p>" + html_lib.escape(p).replace("\n", "<br>\n") + "</p>\n" for p in paragraphs if p
    )


def _rewrite(
    html: str,
    lesson_url: Callable[[str], str | None],
    image_url: Callable[[str], str | None],
) -> str:
    """`lesson:<id>` links and `images/…` sources → routes (or dropped); tables scroll."""

    def link(match: re.Match[str]) -> str:
        url = lesson_url(html_lib.unescape(match.group(1)))
        return f'<a href="{html_lib.escape(url)}"' if url else "<a"

    def image(match: re.Match[str]) -> str:
        url = image_url(html_lib.unescape(match.group(1)))
        return f'<img src="{html_lib.escape(url)}"' if url else "<img"

    html = _LESSON_HREF.sub(link, html)
    html = _IMG_SRC.sub(image, html)
    if "<table>" in html:
        html = _TABLE_OPEN.sub('<div class="table-scroll"><table>', html)
        html = html.replace("</table>", "</table></div>")
    return html


def sanitize(html: str, image_prefix: str) -> str:
    """Keep only the markup lessons need; images only from this module's image route."""

    def keep(element: str, attribute: str, value: str) -> str | None:
        if attribute == "class":
            classes = [c for c in value.split() if c in CLASSES]
            return " ".join(classes) or None
        if attribute == "title" and not value:
            return None
        if element == "img" and attribute == "src":
            return value if image_prefix and value.startswith(image_prefix) else None
        return value

    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=keep,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def to_html(
    text: str,
    *,
    lesson_url: Callable[[str], str | None],
    image_url: Callable[[str], str | None],
    image_prefix: str,
) -> Markup:
    """Render one Markdown text and sanitise it (no caching)."""
    # Lone surrogates cannot be encoded for the C parser; they become U+FFFD like NUL does.
    text = text.encode("utf-8", "replace").decode("utf-8")
    html = cmarkgfm.markdown_to_html_with_extensions(
        _callouts(text), options=CMARK_OPTIONS, extensions=CMARK_EXTENSIONS
    )
    if _too_deep(html):
        return Markup(_plain(text))  # noqa: S704 - every character escaped
    html = _rewrite(_footnotes(html), lesson_url, image_url)
    return Markup(sanitize(html, image_prefix))  # noqa: S704 - sanitised by nh3


def _no_url(_target: str) -> str | None:
    return None


def render_text(text: str) -> Markup:
    """A user's Markdown (an answer, a preview) as safe HTML: no images, no lesson links.

    Rendered once per distinct text: the result is kept by content hash, so a trainer's page
    that shows the same stored answer again does not parse it again.
    """
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    with _cache_lock:
        if key in _answers:
            _answers.move_to_end(key)
            return _answers[key]
    html = to_html(text, lesson_url=_no_url, image_url=_no_url, image_prefix="")
    with _cache_lock:
        _answers[key] = html
        while len(_answers) > ANSWER_CACHE_SIZE:
            _answers.popitem(last=False)
    return html


def _module_urls(
    course: Course, module: Module
) -> tuple[Callable[[str], str | None], Callable[[str], str | None], str]:
    def lesson_url(lesson_id: str) -> str | None:
        target = course.lesson(lesson_id)
        if target is None:
            return None
        return url_for("courses.lesson", module_id=target.module_id, lesson_id=target.id)

    prefix = url_for("courses.image", module_id=module.id, filename="x")[:-1]

    def image_url(src: str) -> str | None:
        if not src.startswith("images/") or ".." in src.split("/"):
            return None
        return prefix + src.removeprefix("images/")

    return lesson_url, image_url, prefix


def render_markdown(course: Course, module: Module, text: str, cache_key: str = "") -> Markup:
    """Markdown of this module (a lesson body or an assignment brief) as safe HTML, cached."""
    key = (
        course.content_hash,
        module.id,
        cache_key,
        request.script_root if has_request_context() else "",
    )
    if cache_key:
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
    lesson_url, image_url, prefix = _module_urls(course, module)
    html = to_html(text, lesson_url=lesson_url, image_url=image_url, image_prefix=prefix)
    if cache_key:
        with _cache_lock:
            _cache[key] = html
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return html


def render_lesson(course: Course, module: Module, lesson: Lesson, lang: str) -> Markup:
    """The lesson body in `lang` (falling back to the course default) as safe HTML."""
    lang = lang if lesson.body.get(lang) else course.default_language
    return render_markdown(course, module, lesson.body.get(lang, ""), f"lesson:{lesson.id}:{lang}")


def clear_cache() -> None:
    """Forget rendered pages (the cache key already changes with the content hash)."""
    with _cache_lock:
        _cache.clear()
        _answers.clear()
