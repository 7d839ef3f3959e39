"""Markdown for briefs and trainees' answers, sanitised (the courses renderer when present)."""

from __future__ import annotations

from flask_babel import get_locale
from markupsafe import Markup

from lms_plugin.courses.content import Course
from lms_plugin.grading.services import Located


def content_language(course: Course) -> str:
    """The UI language when the course has it, else the course's default language."""
    locale = get_locale()
    return course.language_for(locale.language if locale else None)


def render_brief(located: Located, lang: str) -> Markup:
    """The assignment brief in `lang` as safe HTML (cached by the courses renderer)."""
    from lms_plugin.courses.rendering import render_markdown

    texts = located.assignment.brief
    lang = lang if texts.get(lang) else located.course.default_language
    return render_markdown(
        located.course,
        located.module,
        texts.get(lang, ""),
        f"assignment:{located.assignment.id}:{lang}",
    )


def render_answer(text: str) -> Markup:
    """A trainee's Markdown answer as safe HTML: no images, no internal links, scripts stripped.

    Linear-time and rendered once per distinct text (the courses renderer caches by hash).
    """
    from lms_plugin.courses.rendering import render_text

    return render_text(text)
