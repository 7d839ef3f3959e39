"""Lesson Markdown becomes safe HTML: no scripts, handlers or javascript: URLs; links rewritten."""

from __future__ import annotations

from flask import Flask

from lms_plugin.courses.content import Course
from lms_plugin.courses.rendering import render_lesson, render_markdown, to_html


def _html(text: str) -> str:
    return str(
        to_html(
            text,
            lesson_url=lambda lesson_id: f"/course/m/lessons/{lesson_id}",
            image_url=lambda src: (
                "/course/m/images/" + src.removeprefix("images/")
                if src.startswith("images/")
                else None
            ),
            image_prefix="/course/m/images/",
        )
    )


def test_scripts_and_their_content_are_removed() -> None:
    html = _html("Hello\n\n<script>alert('x')</script>\n\n<style>body{}</style>")
    assert "<script" not in html and "alert" not in html
    assert "<style" not in html
    assert "Hello" in html


def test_event_handlers_are_removed() -> None:
    html = _html('<img src="images/a.png" onerror="alert(1)">\n\n<p onclick="steal()">Text</p>')
    assert "onerror" not in html and "onclick" not in html and "steal" not in html
    assert "Text" in html


def test_javascript_and_data_urls_are_removed() -> None:
    html = _html("[click](javascript:alert(1)) and [data](data:text/html;base64,PHNjcmlwdD4=)")
    assert "javascript:" not in html
    assert "data:" not in html
    assert "click" in html


def test_raw_html_tags_are_stripped_but_text_stays() -> None:
    html = _html(
        '<iframe src="https://evil.example"></iframe>\n\n<div style="color:red">kept</div>'
    )
    assert "<iframe" not in html and "style=" not in html
    assert "kept" in html


def test_images_only_from_the_course_image_route() -> None:
    html = _html(
        "![inside](images/ok.png)\n\n![outside](https://evil.example/x.png)\n\n"
        '<img src="https://evil.example/raw.png" alt="raw">'
    )
    assert 'src="/course/m/images/ok.png"' in html
    assert "evil.example" not in html
    assert 'alt="outside"' in html  # the description stays, the foreign source goes


def test_safe_links_keep_working_with_noopener() -> None:
    html = _html("[source](https://example.org/a) and [mail](mailto:a@example.org)")
    assert 'href="https://example.org/a"' in html
    assert 'rel="noopener noreferrer"' in html
    assert 'href="mailto:a@example.org"' in html


def test_tables_footnotes_and_callouts() -> None:
    text = (
        "| A | B |\n|---|---|\n| 1 | 2 |\n\nClaim.[^1]\n\n"
        '!!! case "Esetleírás"\n    A case.\n\n[^1]: Source, https://example.org'
    )
    html = _html(text)
    assert '<div class="table-scroll"><table>' in html
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1"' in html
    assert '<div class="footnote">' in html and 'id="fn:1"' in html
    assert '<div class="admonition case">' in html
    assert '<p class="admonition-title">Esetleírás</p>' in html


def test_class_attributes_are_limited_to_the_lesson_styles() -> None:
    html = _html('<div class="admonition note modal-backdrop">x</div>')
    assert 'class="admonition note"' in html
    assert "modal-backdrop" not in html


def test_lesson_links_and_images_point_at_routes(app: Flask, tiny: Course) -> None:
    module = tiny.module("basics")
    assert module is not None
    with app.test_request_context():
        first = str(render_lesson(tiny, module, module.lessons[0], "en"))
        second = str(render_lesson(tiny, module, module.lessons[1], "hu"))
        brief = str(render_markdown(tiny, module, "[gone](lesson:nowhere)"))
    assert 'href="/course/basics/lessons/second"' in first
    assert "Go on to the" in first  # English body
    assert 'src="/course/basics/images/diagram.png"' in second
    assert "Ábra a folyamatról" in second  # Hungarian body
    assert "lesson:nowhere" not in brief and "gone" in brief


def test_unknown_language_falls_back_to_the_course_default(app: Flask, tiny: Course) -> None:
    module = tiny.module("basics")
    assert module is not None
    with app.test_request_context():
        html = str(render_lesson(tiny, module, module.lessons[0], "fi"))
    assert "Ez az első lecke." in html
