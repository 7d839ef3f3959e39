"""Issue 17 in a real browser: a trainer grades 40 submissions with the keyboard and "mark ready
and show next" (few page loads, never hunting for the next one); a trainee on a 360 px phone
writes, sees the word count, loses the connection, comes back and finds the draft."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Frame
from sqlalchemy import select

from lms_plugin.accounts.models import Membership, Role, User
from lms_plugin.db import db
from tests.availability_helpers import open_modules
from tests.browser.journey import Journey

ASSIGNMENT = "ethics-case"  # four criteria of four levels; 700–1,200 words
GIVEN = ["Ágnes", "Béla", "Csilla", "Dénes", "Éva", "Ferenc", "Gyöngyi", "Hajnal"]
FAMILY = ["Ábel", "Balogh", "Csonka", "Gál", "Győri"]
SEEDED = 40
MAX_LOADS_PER_SUBMISSION = 3


def _seed_submissions(journey: Journey, count: int) -> list[str]:
    """`count` trainees of the trainer's course, each with a submitted answer to ASSIGNMENT."""
    from lms_plugin.grading import services

    names: list[str] = []
    with journey.live.app.app_context():
        trainer = db.session.scalar(select(User).where(User.sub == "3"))
        assert trainer is not None, "Éva has not launched the tool"
        context_pk = db.session.scalar(
            select(Membership.context_pk).where(
                Membership.user_id == trainer.id, Membership.role == Role.TRAINER.value
            )
        )
        assert context_pk is not None
        located = services.find_assignment(ASSIGNMENT)
        for i in range(count):
            name = f"{FAMILY[i % len(FAMILY)]} {GIVEN[i % len(GIVEN)]} {i:02d}"
            user = User(platform_id=trainer.platform_id, sub=f"9{i:03d}", name=name)
            db.session.add(user)
            db.session.flush()
            db.session.add(
                Membership(
                    context_pk=context_pk,
                    user_id=user.id,
                    role=Role.TRAINEE.value,
                    source="roster",
                    has_launched=True,
                )
            )
            open_modules(user.id)
            draft = services.open_draft(user, context_pk, located)
            services.save_text(draft, located, f"{name} esetelemzése: meghallgatom, jelzem.")
            services.submit(draft, located, context_pk)
            names.append(name)
        db.session.commit()
    return names


def _trainee_heading(frame: Frame) -> str:
    return frame.locator("main h1").first.inner_text()


def test_a_trainer_grades_40_submissions_with_few_page_loads_and_no_hunting(
    journey: Journey,
) -> None:
    journey.launch("eva", "grading")
    seeded = _seed_submissions(journey, SEEDED)
    frame = journey.frame()
    # The list the trainer works through: not started yet, by name (Hungarian order).
    frame.goto(f"{journey.live.tool}/grading/?status=new&sort=name")
    journey.wait_for_tool()
    journey.axe("queue-filtered")
    listed = journey.tool.locator("table.queue tbody tr td:nth-child(3)").all_inner_texts()
    ours = [n for n in listed if n in seeded]
    assert ours[:3] == sorted(seeded, key=_hu)[:3], listed[:5]  # Ábel … before Balogh …

    loads: list[str] = []
    journey.page.on(
        "framenavigated", lambda f: loads.append(f.url) if f.name == frame.name else None
    )
    journey.tool.get_by_role("link", name="Értékelés").first.click()
    journey.wait_for_tool()
    journey.axe("grade-with-navigation")
    # A frame of about 800 px (a usual Moodle page): the submission and the rubric side by side.
    journey.page.set_viewport_size({"width": 840, "height": 900})
    frame_width = journey.frame().evaluate("document.documentElement.clientWidth")
    assert 768 <= frame_width < 840, frame_width
    answer = journey.tool.locator("section.submission-pane").bounding_box()
    rubric = journey.tool.locator("section.rubric-pane").bounding_box()
    assert answer and rubric and rubric["x"] > answer["x"] + answer["width"] - 1
    assert abs(rubric["y"] - answer["y"]) < 5

    graded: list[str] = []
    for _ in range(SEEDED + 10):  # the list may hold other journeys' work too
        frame = journey.frame()
        heading = _trainee_heading(frame)
        # No hunting: the next one opens at the top of the page, its name in view.
        assert frame.evaluate("window.scrollY") == 0
        assert journey.tool.locator("main h1").first.is_visible()
        graded.append(heading)
        # Keyboard: focus the first level, then one digit per criterion (4 = the top level).
        journey.tool.locator("fieldset.criterion .level-radio").first.focus()
        for _criterion in range(4):
            frame.page.keyboard.press("4")
        assert journey.tool.locator("output.total-value").inner_text() == "20"
        # The suggested outcome is preselected: pass.
        assert journey.tool.locator("#o-pass").is_checked()
        button = journey.tool.locator("button.save-next")
        last = "vissza a listához" in button.inner_text()
        with frame.expect_navigation():
            button.click()
        journey.wait_for_tool()
        if last:
            break
    done = [name for name in seeded if any(name in h for h in graded)]
    assert len(done) == SEEDED, f"graded {len(done)} of the seeded {SEEDED}"
    assert len(loads) <= MAX_LOADS_PER_SUBMISSION * len(graded), loads[:10]
    # Back on the list: nothing of ours is left "not started".
    assert "Ez volt a lista utolsó beadott munkája." in journey.text()
    left = journey.tool.locator("table.queue tbody").inner_text()
    assert not any(name in left for name in seeded)
    with journey.live.app.app_context():
        from lms_plugin.grading.models import Grade, Submission

        ready = db.session.scalars(
            select(Grade.state)
            .join(Submission, Submission.id == Grade.submission_id)
            .join(User, User.id == Submission.user_id)
            .where(User.sub.like("9%"))
        ).all()
    assert len(ready) == SEEDED and set(ready) == {"ready"}


def _hu(name: str) -> Any:
    from lms_plugin.collation import sort_key

    return sort_key(name)


OFFLINE_WORDS = "Offline írt mondat, amely nem veszhet el."


def test_a_trainee_on_a_phone_writes_loses_the_connection_and_finds_the_draft(
    phone: Journey,
) -> None:
    phone.launch("peter", "home")
    with phone.live.app.app_context():
        peter = db.session.scalar(select(User).where(User.sub == "5"))
        assert peter is not None
        open_modules(peter.id)
        db.session.commit()
    url = f"{phone.live.tool}/grading/assignments/{ASSIGNMENT}"
    phone.frame().goto(url)
    phone.wait_for_tool()
    box = phone.tool.locator("#answer-text")
    brief = phone.tool.locator("section.brief")
    # On the phone the answer box comes before the long brief, which is folded.
    assert box.bounding_box()["y"] < brief.bounding_box()["y"]  # type: ignore[index]
    assert not phone.tool.locator("details.brief-details").evaluate("d => d.open")
    phone.axe("assignment-phone")
    phone.assert_no_horizontal_scroll("assignment-phone")

    box.click()
    box.type("Meghallgatom Lillát, és megköszönöm a bizalmát. ")
    count = phone.tool.locator("#word-count")
    assert "6 szó" in count.inner_text()
    assert "legalább 700 szükséges" in count.inner_text()
    phone.tool.get_by_role("button", name="Félkövér").click()
    box.type("fontos")
    assert "**fontos**" in box.input_value()
    phone.page.wait_for_timeout(2600)  # the server autosave (2 s after the last keystroke)

    phone.context.set_offline(True)
    box.press("End")
    box.type(" " + OFFLINE_WORDS)
    # 2 s later the server save fails: the page says the text is kept in this browser.
    phone.tool.locator(".autosave-status:has-text('Nincs kapcsolat')").wait_for()
    typed = box.input_value()
    assert typed.endswith(OFFLINE_WORDS)
    phone.shoot("offline-draft")

    # The connection comes back: what was typed offline is sent without a keystroke; then the
    # trainee closes the tab and returns later.
    phone.context.set_offline(False)
    phone.tool.locator(".autosave-status:has-text('szerveren')").wait_for()
    phone.page.close()
    phone.page = phone.context.new_page()
    phone.launch("peter", "home")
    phone.frame().goto(url)
    phone.wait_for_tool()
    restored = phone.tool.locator("#answer-text")
    phone.tool.locator(".autosave-restored").first.wait_for()
    assert restored.input_value() == typed
    assert "szó" in phone.tool.locator("#word-count").inner_text()
    phone.axe("assignment-restored")
