"""Course Markdown → safe HTML: tables, footnotes, callouts; lesson links and images rewritten."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as etree
from collections import OrderedDict
from collections.abc import Callable

import markdown
import nh3
from flask import has_request_context, request, url_for
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
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

_cache: OrderedDict[tuple[str, ...], Markup] = OrderedDict()
_cache_lock = threading.Lock()


class _Rewrite(Treeprocessor):
    """Rewrite `lesson:<id>` links and `images/…` sources to routes; wrap tables to scroll."""

    def __init__(
        self,
        md: markdown.Markdown,
        lesson_url: Callable[[str], str | None],
        image_url: Callable[[str], str | None],
    ) -> None:
        super().__init__(md)
        self.lesson_url = lesson_url
        self.image_url = image_url

    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            href = link.get("href", "")
            if href.startswith("lesson:"):
                url = self.lesson_url(href.removeprefix("lesson:"))
                if url:
                    link.set("href", url)
                else:
                    del link.attrib["href"]
        for image in root.iter("img"):
            src = self.image_url(image.get("src", ""))
            if src:
                image.set("src", src)
            else:
                del image.attrib["src"]
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    box = etree.Element("div", {"class": "table-scroll"})
                    parent.remove(child)
                    box.append(child)
                    parent.insert(index, box)


class _RewriteExtension(Extension):
    def __init__(
        self, lesson_url: Callable[[str], str | None], image_url: Callable[[str], str | None]
    ) -> None:
        super().__init__()
        self.lesson_url = lesson_url
        self.image_url = image_url

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_Rewrite(md, self.lesson_url, self.image_url), "lms_rewrite", 1)


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
    md = markdown.Markdown(
        extensions=[
            "tables",
            "footnotes",
            "admonition",
            "sane_lists",
            _RewriteExtension(lesson_url, image_url),
        ],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "footnotes": {"BACKLINK_TITLE": ""},
        },
        output_format="html",
    )
    return Markup(sanitize(md.convert(text), image_prefix))  # noqa: S704 - sanitised by nh3


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
