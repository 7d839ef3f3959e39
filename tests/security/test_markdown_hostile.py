"""Issue 14 item 7: hostile Markdown costs milliseconds, not minutes.

Python-Markdown took 54 s for `"[" * 16000`, 30 s for a trainer's page showing a 12 KB answer,
and never returned on a 99 KB preview. A watchdog (SIGALRM) stops a test at once instead of
waiting for the old renderer. The inputs are the worst ones in bench/markdown_render.py.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask

from bench.markdown_render import WORST, worst_inputs
from lms_plugin.courses.rendering import to_html
from lms_plugin.db import db
from lms_plugin.grading.markup import render_answer
from lms_plugin.grading.models import Submission
from tests.security.html_safety import injected_markup
from tests.security.world import seed_world

# The bench's limit is 100 ms on a quiet machine; CI shares two cores with other jobs.
LIMIT_SECONDS = 1.0


@contextmanager
def watchdog(seconds: float) -> Iterator[None]:
    """Fail (not hang) when the block runs longer than `seconds`."""

    def expired(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"still rendering after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except TimeoutError as err:  # raised deep in a parser: report it without its traceback
        pytest.fail(str(err), pytrace=False)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _render(text: str) -> str:
    return str(to_html(text, lesson_url=lambda _: None, image_url=lambda _: None, image_prefix=""))


@pytest.mark.parametrize("name", sorted(WORST))
def test_100_kb_of_the_worst_input_renders_fast(name: str) -> None:
    text = worst_inputs(100_000)[name]
    with watchdog(10 * LIMIT_SECONDS):
        started = time.perf_counter()
        html = _render(text)
        elapsed = time.perf_counter() - started
    assert elapsed < LIMIT_SECONDS, f"{name}: {elapsed:.2f} s"
    assert "<script" not in html


def test_sixteen_thousand_brackets_no_longer_take_a_minute() -> None:
    with watchdog(2.0):
        html = str(render_answer("[" * 16_000))
    assert html.count("[") == 16_000  # shown as text


def test_a_99_kb_preview_answers(app_ctx: Flask) -> None:
    app = app_ctx
    world = seed_world()
    client = world.client(app, "trainee")
    text = ("[*" * 49_000)[:99_000]
    with watchdog(5.0):
        response = client.post(
            "/grading/preview", json={"text": text}, base_url="https://tool.test"
        )
    assert response.status_code == 200
    assert response.get_json()["html"].startswith("<p>")


def test_the_trainer_page_with_a_12_kb_stored_answer_loads(app_ctx: Flask) -> None:
    app = app_ctx
    world = seed_world()
    submission = db.session.get(Submission, world.ids["anna_submission"])
    assert submission is not None
    submission.text = "![" * 6_000 + "\n\n" + "[" * 12_000
    db.session.commit()
    client = world.client(app, "trainer")
    with watchdog(5.0):
        response = client.get(
            f"/grading/submissions/{world.ids['anna_submission']}", base_url="https://tool.test"
        )
    assert response.status_code == 200


def test_a_stored_answer_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The trainer's page shows the same stored answer on every visit: parse it once."""
    import cmarkgfm

    calls: list[str] = []
    real = cmarkgfm.markdown_to_html_with_extensions

    def counting(text: str, *args: object, **kwargs: object) -> str:
        calls.append(text)
        return real(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cmarkgfm, "markdown_to_html_with_extensions", counting)
    answer = "A **unique** answer for the cache test: " + str(time.time_ns())
    first, second = render_answer(answer), render_answer(answer)
    assert first == second and "<strong>unique</strong>" in first
    assert len(calls) == 1


def test_deeply_nested_callouts_are_bounded_and_stay_text() -> None:
    text = "".join("    " * depth + f'!!! note "Level {depth}"\n' for depth in range(300))
    with watchdog(2.0):
        html = _render(text)
    assert html.count('class="admonition note"') <= 4  # MAX_CALLOUT_DEPTH


def test_callout_titles_and_footnote_labels_cannot_inject_markup() -> None:
    html = _render(
        '!!! note "<img src=x onerror=alert(1)>"\n    Body.\n\n'
        'Claim.[^x"onmouseover="alert(1)]\n\n[^x"onmouseover="alert(1)]: Source.'
    )
    assert not injected_markup(html), injected_markup(html)
    assert "<img" not in html and "Body." in html
