"""Dynamic registration through Moodle's admin page, then deep linking in Moodle's activity form,
launches into Moodle's frame, and scores in Moodle's gradebook. The tests run in file order and
share the session's registration and deep-linked activities."""

from __future__ import annotations

import time
from typing import Any

import pytest
import yaml

from tests.moodle import helpers as h
from tests.moodle.conftest import NewPage, Tool, mcli, moodle_login, types_of

QUIZ_MODULE, ASSIGNMENT_MODULE = h.pick_modules()
COURSE_RESOURCE = "course:mentor-30h"
state: dict[str, Any] = {}


# ------------------------------------------------------------------ registration
def test_dynamic_registration(
    moodle: dict[str, Any], tool: Tool, dynamic_type: dict[str, Any]
) -> None:
    typeid = dynamic_type["typeid"]
    registered = dynamic_type["registered"]
    registered = registered[0] if isinstance(registered, list) else registered
    # Moodle lists a tool type with the tool's URLs
    assert registered["initiatelogin"] == f"{tool.url}/lti/login", registered
    assert f"{tool.url}/lti/launch" in registered["redirectionuris"], registered
    assert registered["publickeyset"].startswith(tool.url), registered
    assert registered["toolurl"].startswith(tool.url), registered
    # ... now active, and with no tool-level `target` (it would override every activity's)
    now = next(t for t in types_of(moodle) if t["id"] == typeid)
    assert now["state"] == 1, now
    assert "target" not in (now.get("custom") or {}), now["customparameters"]
    # the tool has the platform, active
    listed = tool.flask("lti", "list-platforms")
    assert moodle["lti"]["issuer"] in listed, listed
    assert registered["clientid"] in listed, listed
    assert "pending" not in listed.lower() and "inactive" not in listed.lower(), listed
    # ... and every gunicorn worker lets Moodle frame it right away (the next thing the admin
    # or a teacher does is a launch inside Moodle's page)
    answers = h.frame_ancestor_answers(tool.url)
    refused = [a for a in answers if moodle["moodle_url"] not in a.split()]
    assert not refused, f"responses that forbid Moodle to frame the tool: {answers}"


# ------------------------------------------------------------------ deep linking in Moodle's form
def _deep_link_in_moodle(page: Any, site: dict[str, Any], typeid: int, picks: list[str]) -> None:
    """As t1: the course's activity form for the preconfigured tool → Select content → the tool's
    picker → Add to Moodle → Save and return to course."""
    moodle_login(page, site, "t1")
    page.goto(
        f"{site['moodle_url']}/course/modedit.php?add=lti&typeid={typeid}"
        f"&course={site['course_id']}&section=0&return=0"
    )
    page.locator("#id_selectcontent").click()
    picker = page.frame_locator("#contentitem-page, .modal-body iframe").first
    picker.locator("main h1").wait_for(timeout=45_000)
    for target in picks:
        picker.locator(f"input[name=target][value='{target}']").check()
    picker.get_by_role("button", name="Add to Moodle").click()
    page.get_by_text("The following items will be added").wait_for(timeout=45_000)
    page.get_by_role("button", name="Save and return to course").click()
    page.wait_for_url("**/course/view.php**", timeout=45_000)


def test_deep_linking(
    moodle: dict[str, Any], tool: Tool, dynamic_type: dict[str, Any], new_page: NewPage
) -> None:
    typeid = dynamic_type["typeid"]
    picks = ["course", f"module:{QUIZ_MODULE}", f"module:{ASSIGNMENT_MODULE}"]
    _deep_link_in_moodle(new_page(), moodle, typeid, picks)

    activities = mcli(moodle, "lti-activities", h.course_id(moodle))
    activities = activities["activities"] if isinstance(activities, dict) else activities
    by_target = {}
    for act in activities:
        target = (act.get("custom") or {}).get("target") or ""
        if not target and "target=" in (act.get("launch_url") or act.get("toolurl") or ""):
            target = str(act.get("launch_url") or act.get("toolurl")).split("target=", 1)[1]
        by_target[target.replace("%3A", ":")] = act
    assert set(picks) <= set(by_target), activities
    state["activities"] = {t: by_target[t] for t in picks}

    columns = h.lti_columns(moodle)
    resources = sorted((c["ltiservice"] or {}).get("resourceid") or "" for c in columns)
    assert resources == sorted(
        [COURSE_RESOURCE, f"module:{QUIZ_MODULE}", f"module:{ASSIGNMENT_MODULE}"]
    ), columns
    tags = {c["ltiservice"]["resourceid"]: c["ltiservice"]["tag"] for c in columns}
    assert tags == {
        COURSE_RESOURCE: "course-progress",
        f"module:{QUIZ_MODULE}": "quiz",
        f"module:{ASSIGNMENT_MODULE}": "assignment",
    }
    assert [i["itemtype"] for i in h.grade_items(moodle)].count("course") == 1
    state["columns"] = {c["ltiservice"]["resourceid"]: c for c in columns}


def _activity(target: str) -> dict[str, Any]:
    acts = state.get("activities")
    assert acts, "test_deep_linking did not create the activities"
    return dict(acts[target])


def test_activities_open_their_own_pages(
    moodle: dict[str, Any], tool: Tool, new_page: NewPage
) -> None:
    page = new_page()
    moodle_login(page, moodle, "s1")
    frame = h.open_activity(page, moodle, _activity("course")["view_url"], tool.url)
    assert h.path_of(frame).rstrip("/") == "/course", frame.url
    for module_id in (QUIZ_MODULE, ASSIGNMENT_MODULE):
        frame = h.open_activity(
            page, moodle, _activity(f"module:{module_id}")["view_url"], tool.url
        )
        assert h.path_of(frame).rstrip("/") == f"/course/{module_id}", frame.url
        if module_id == QUIZ_MODULE:  # the first module; the later ones are locked until then
            _folder, data = h.module_yaml(module_id)
            assert data["title"]["en"] in h.heading(frame), h.heading(frame)


def test_old_registration_target_home(
    moodle: dict[str, Any], tool: Tool, dynamic_type: dict[str, Any], new_page: NewPage
) -> None:
    """Registrations of earlier versions put `target=home` on the tool type; Moodle then sends
    target=home with every launch, yet module activities still open their module."""
    typeid = str(dynamic_type["typeid"])
    mcli(moodle, "set-tool-config", typeid, "customparameters=target=home")
    try:
        page = new_page()
        moodle_login(page, moodle, "s1")
        for module_id in (QUIZ_MODULE, ASSIGNMENT_MODULE):
            act = _activity(f"module:{module_id}")
            frame = h.open_activity(page, moodle, act["view_url"], tool.url)
            assert h.path_of(frame).rstrip("/") == f"/course/{module_id}", frame.url
        frame = h.open_activity(page, moodle, _activity("course")["view_url"], tool.url)
        assert h.path_of(frame).rstrip("/") == "/course", frame.url
    finally:
        mcli(moodle, "set-tool-config", typeid, "customparameters=")


# ------------------------------------------------------------------ scores
def _quiz_answers(module_id: str) -> dict[str, Any]:
    folder, _data = h.module_yaml(module_id)
    return dict(yaml.safe_load((folder / "quiz.yaml").read_text(encoding="utf-8")))


def answer_quiz(frame: Any, quiz: dict[str, Any]) -> None:
    """Tick every correct answer as a reader would (English labels: s1's language is en)."""
    for question in quiz["questions"]:
        box = frame.locator("fieldset.question", has_text=question["prompt"]["en"].strip())
        kind = question["type"]
        if kind in ("single", "multiple"):
            for option in question["options"]:
                if option.get("correct"):
                    box.get_by_label(option["text"]["en"].strip(), exact=True).check()
        elif kind == "truefalse":
            box.get_by_label("True" if question["answer"] else "False", exact=True).check()
        else:
            for pair in question["pairs"]:
                box.get_by_label(pair["left"]["en"].strip(), exact=True).select_option(
                    label=pair["right"]["en"].strip()
                )


def click_in(frame: Any, name: str, role: str = "link") -> None:
    target = frame.get_by_role(role, name=name).first
    with frame.expect_navigation():
        target.click()
    frame.locator("main").first.wait_for()


def complete_module_and_quiz(
    page: Any, frame: Any, module_id: str, tool: Tool, sub: str | None = None
) -> Any:
    """From the module page: every lesson marked complete, then the knowledge check passed.

    "Mark as complete" waits for each lesson's minimum active time (issue 15); the heartbeats
    of minutes of reading are recorded in the tool's database first (`seed.lesson_time`)."""
    tool_url = tool.url
    if sub is not None:
        tool.python(
            f"from tests.moodle.seed import lesson_time\nlesson_time({sub!r}, {module_id!r})"
        )
    folder, _data = h.module_yaml(module_id)
    lessons = sorted(p for p in (folder / "lessons").glob("*.en.md"))
    assert lessons
    frame.locator("main a[href*='/lessons/']").first.click()
    frame.wait_for_load_state()
    for _ in range(len(lessons) + 2):
        frame = h.wait_for_tool(page, tool_url)
        if "/lessons/" not in h.path_of(frame):
            break
        done = frame.get_by_role("button", name="Mark as complete")
        if done.count():
            with frame.expect_navigation():
                done.first.click()
            continue
        nxt = frame.get_by_role("link", name="Next")
        if not nxt.count():
            break
        with frame.expect_navigation():
            nxt.first.click()
    frame = h.wait_for_tool(page, tool_url)
    if not h.path_of(frame).endswith("/quiz"):
        frame.locator(f"main a[href$='/course/{module_id}/quiz']").first.click()
        frame = h.wait_for_tool(page, tool_url)
    answer_quiz(frame, _quiz_answers(module_id))
    with frame.expect_navigation():
        frame.locator("main form button[type=submit]").last.click()
    return h.wait_for_tool(page, tool_url)


def test_quiz_score_lands_in_quiz_column(
    moodle: dict[str, Any], tool: Tool, new_page: NewPage
) -> None:
    column = state.get("columns", {}).get(f"module:{QUIZ_MODULE}")
    assert column, "test_deep_linking did not create the quiz column"
    page = new_page()
    moodle_login(page, moodle, "s1")
    frame = h.open_activity(page, moodle, _activity(f"module:{QUIZ_MODULE}")["view_url"], tool.url)
    frame = complete_module_and_quiz(page, frame, QUIZ_MODULE, tool, _sub(moodle, "s1"))
    text = h.main_text(frame)
    assert "Passed" in text or "passed" in text, text[:800]
    row = h.wait_for_grade(moodle, "s1", column["id"], 100.0 * column["grademax"] / 100.0)
    assert row.get("finalgrade") == pytest.approx(column["grademax"]), (row, tool.deliveries())
    state["quiz_passed"] = True


# ------------------------------------------------------------------ grading
def _assignment() -> dict[str, Any]:
    folder, _data = h.module_yaml(ASSIGNMENT_MODULE)
    return dict(yaml.safe_load((folder / "assignment.yaml").read_text(encoding="utf-8")))


def _best_total(assignment: dict[str, Any]) -> float:
    """The rubric's best total (a level has `points`, or a range `min_points`..`max_points`)."""
    return float(
        sum(
            max(lv.get("points", lv.get("max_points", 0)) for lv in c["levels"])
            for c in assignment["rubric"]
        )
    )


def trainer_frame(page: Any, moodle: dict[str, Any], tool: Tool) -> Any:
    """t1 in the course's activity (a trainer launch): the tool's frame."""
    moodle_login(page, moodle, "t1")
    return h.open_activity(page, moodle, _activity("course")["view_url"], tool.url)


def goto_in_frame(page: Any, frame: Any, url: str, tool: Tool) -> Any:
    frame.goto(url)
    return h.wait_for_tool(page, tool.url)


def release_in_browser(page: Any, frame: Any, tool: Tool, names: list[str]) -> Any:
    """The trainer's queue (ready grades) → tick `names` → Release selected… → Release."""
    frame = goto_in_frame(page, frame, f"{tool.url}/grading/?status=ready", tool)
    for name in names:
        frame.get_by_role("row", name=name).get_by_role("checkbox").check()
    with frame.expect_navigation():
        frame.get_by_role("button", name="Release selected…").click()
    frame = h.wait_for_tool(page, tool.url)
    with frame.expect_navigation():
        frame.locator("form[action$='/grading/release'] button[type=submit]").click()
    return h.wait_for_tool(page, tool.url)


FEEDBACK = "Thorough, well reasoned case description. Well done!"


def test_assignment_grade_lands_in_assignment_column(
    moodle: dict[str, Any], tool: Tool, new_page: NewPage
) -> None:
    assert state.get("quiz_passed"), "s1 did not pass the first module's knowledge check"
    column = state["columns"][f"module:{ASSIGNMENT_MODULE}"]
    assignment = _assignment()
    # s1 hands in the assignment from the module's page
    page = new_page()
    moodle_login(page, moodle, "s1")
    frame = h.open_activity(
        page, moodle, _activity(f"module:{ASSIGNMENT_MODULE}")["view_url"], tool.url
    )
    assert h.path_of(frame).rstrip("/") == f"/course/{ASSIGNMENT_MODULE}", frame.url
    frame.locator(f"main a[href*='/grading/assignments/{assignment['id']}']").first.click()
    frame = h.wait_for_tool(page, tool.url)
    frame.locator("#answer-text").fill(
        "## The case\n\nI listen, thank them, and tell the counsellor."
    )
    click_in(frame, "Review and submit…", role="button")
    click_in(frame, "Submit attempt 1", role="button")
    assert "Waiting for grading" in h.main_text(frame), h.main_text(frame)[:600]

    # t1 grades with the rubric and releases, in the browser
    tpage = new_page()
    tframe = trainer_frame(tpage, moodle, tool)
    tframe = goto_in_frame(tpage, tframe, f"{tool.url}/grading/", tool)
    tframe.get_by_role("row", name=moodle["users"]["s1"]["name"]).get_by_role("link").first.click()
    tframe = h.wait_for_tool(tpage, tool.url)
    for criterion in assignment["rubric"]:
        levels = criterion["levels"]
        best = max(
            range(len(levels)),
            key=lambda i: levels[i].get("points", levels[i].get("max_points", 0)),
        )
        tframe.locator(f"#l-{criterion['id']}-{best}").check()
    tframe.locator("#feedback").fill(FEEDBACK)
    tframe.locator("#o-pass").check()
    click_in(tframe, "Save and mark ready", role="button")
    release_in_browser(tpage, tframe, tool, [moodle["users"]["s1"]["name"]])

    total = _best_total(assignment)
    expected = total * float(column["grademax"]) / float(assignment["points"])
    row = h.wait_for_grade(moodle, "s1", column["id"], expected)
    assert row.get("finalgrade") == pytest.approx(expected), (row, tool.deliveries())
    assert (row.get("feedback") or "").strip() == FEEDBACK, row
    # no extra gradebook columns: exactly the three the teacher created
    resources = sorted(c["ltiservice"]["resourceid"] for c in h.lti_columns(moodle))
    assert resources == sorted(state["columns"]), h.lti_columns(moodle)


# ------------------------------------------------------------------ roster
def _quick_launch(new_page: NewPage, moodle: dict[str, Any], tool: Tool, user: str) -> None:
    page = new_page()
    moodle_login(page, moodle, user)
    h.open_activity(page, moodle, _activity("course")["view_url"], tool.url)
    page.context.close()


def _ensure_student(moodle: dict[str, Any], username: str, first: str, last: str) -> None:
    mcli(moodle, "user-create", username, "--password", "Passw0rd!", "--firstname", first,
         "--lastname", last, "--email", f"{username}@example.test", "--lang", "en")  # fmt: skip
    mcli(moodle, "enrol", h.course_id(moodle), username, "--role", "student")


def test_nrps_roster(moodle: dict[str, Any], tool: Tool, new_page: NewPage) -> None:
    _ensure_student(moodle, "s4", "Negyedik", "Nóra")
    tool.flask("lti", "sync-roster", "--all")
    page = new_page()
    frame = trainer_frame(page, moodle, tool)
    frame = goto_in_frame(page, frame, f"{tool.url}/progress/cohort", tool)
    text = h.main_text(frame)
    assert "Nóra" in text and "Negyedik" in text, text[:1500]


# ------------------------------------------------------------------ bulk release
BULK = ["s2", "s3", "s4", "s5", "s6"]


def _sub(moodle: dict[str, Any], username: str) -> str:
    found = mcli(moodle, "user-create", username)
    user = found.get("user", found)
    return str(user["id"])


def test_bulk_release_reaches_moodle(moodle: dict[str, Any], tool: Tool, new_page: NewPage) -> None:
    column = state["columns"][f"module:{ASSIGNMENT_MODULE}"]
    _ensure_student(moodle, "s5", "Ötödik", "Ödön")
    _ensure_student(moodle, "s6", "Hatodik", "Hedvig")
    for user in BULK:
        _quick_launch(new_page, moodle, tool, user)
    trainer = _sub(moodle, "t1")
    for user in BULK:
        tool.python(
            "from tests.moodle.seed import ready_submission\n"
            f"ready_submission({_sub(moodle, user)!r}, {trainer!r}, {QUIZ_MODULE!r}, "
            f"{ASSIGNMENT_MODULE!r})"
        )
    page = new_page()
    frame = trainer_frame(page, moodle, tool)
    frame = goto_in_frame(page, frame, f"{tool.url}/grading/?status=ready", tool)
    boxes = frame.locator("input[name=ids]")
    assert boxes.count() == len(BULK), h.main_text(frame)[:1500]
    for i in range(boxes.count()):
        boxes.nth(i).check()
    with frame.expect_navigation():
        frame.get_by_role("button", name="Release selected…").click()
    frame = h.wait_for_tool(page, tool.url)
    with frame.expect_navigation():
        frame.locator("form[action$='/grading/release'] button[type=submit]").click()
    h.wait_for_tool(page, tool.url)

    expected = (
        _best_total(_assignment()) * float(column["grademax"]) / float(_assignment()["points"])
    )
    missing = {}
    for user in BULK:
        row = h.wait_for_grade(moodle, user, column["id"], expected, timeout=45)
        if row.get("finalgrade") != pytest.approx(expected):
            missing[user] = row
    assert not missing, (missing, tool.deliveries())


# ------------------------------------------------------------------ Moodle down, then back
def test_moodle_down_then_back(moodle: dict[str, Any], tool: Tool, new_page: NewPage) -> None:
    from tests.moodle.conftest import kit

    quiz_col = state["columns"][f"module:{QUIZ_MODULE}"]
    _ensure_student(moodle, "s7", "Hetedik", "Hugó")
    _quick_launch(new_page, moodle, tool, "s7")
    s7 = _sub(moodle, "s7")
    page = new_page()
    frame = trainer_frame(page, moodle, tool)  # the trainer's tool page stays open
    kit("--stop")
    try:
        # scores made while Moodle is down: a failed attempt, then a passed one
        for correct in (False, True):
            tool.python(
                "from tests.moodle.seed import quiz_attempt\n"
                f"quiz_attempt({s7!r}, {QUIZ_MODULE!r}, {correct!r})"
            )
        time.sleep(3)  # a worker round passes while Moodle is down
        # `setup.sh --stop` stops the kit's nginx, which is also the tool's TLS proxy: the
        # delivery page cannot be opened now, the operator's CLI view of it can.
        listed = tool.deliveries()
        assert "waiting" in listed.lower(), listed
    finally:
        kit()
    # the worker (running all along) sends them once Moodle is back (retry cap 4 s)
    row = h.wait_for_grade(moodle, "s7", quiz_col["id"], float(quiz_col["grademax"]), timeout=60)
    assert row.get("finalgrade") == pytest.approx(float(quiz_col["grademax"])), (
        row,
        tool.deliveries(),
    )
    # once and in order: the older (failed) attempt's score was replaced, never sent after it
    listed = tool.deliveries()
    mine = [
        line
        for line in listed.splitlines()
        if ("Hetedik" in line or "Hugó" in line) and f"module:{QUIZ_MODULE}" in line
    ]
    assert sum(" sent " in f" {line} " for line in mine) == 1, listed
    # none left waiting or failed
    frame = goto_in_frame(page, frame, f"{tool.url}/lti/deliveries", tool)
    assert "Every score of this course is in Moodle." in h.main_text(frame), h.main_text(frame)[
        :1500
    ]
