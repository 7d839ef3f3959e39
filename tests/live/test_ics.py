"""The .ics file of a date: RFC 5545 (parsed by icalendar), UTC times, stable UID, no injection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role
from lms_plugin.live.ics import CalendarEvent, calendar, escape_text, fold
from tests.conftest import Factory, login
from tests.live.conftest import People, make_occurrence

START = datetime(2026, 12, 8, 13, 0, tzinfo=UTC)


def _strictly_valid(text: str) -> list[str]:
    """Every physical line ends with CRLF, is at most 75 octets, and has no bare CR or LF."""
    assert text.endswith("\r\n")
    lines = text.split("\r\n")[:-1]
    for line in lines:
        assert "\r" not in line and "\n" not in line
        assert len(line.encode("utf-8")) <= 75, line
    unfolded: list[str] = []
    for line in lines:
        if line.startswith(" "):
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    return unfolded


def test_hostile_texts_cannot_add_lines_or_properties() -> None:
    event = CalendarEvent(
        uid="live-1@tool.test",
        starts_at=START,
        ends_at=START + timedelta(hours=2),
        summary="Evil\r\nATTENDEE:mailto:x@evil.test\nEND:VEVENT, a; b \\ c",
        location='Room 1; floor 2, "A"\rBEGIN:VALARM',
        url="https://meet.test/x\r\nX-EVIL:1",
        description="é" * 200,
    )
    text = calendar(event, START)
    unfolded = _strictly_valid(text)
    names = [line.split(":", 1)[0].split(";", 1)[0] for line in unfolded]
    assert names.count("END") == 2 and "ATTENDEE" not in names and "X-EVIL" not in names
    assert "BEGIN" in names and names.count("BEGIN") == 2
    parsed = icalendar.Calendar.from_ical(text)
    vevent = parsed.walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == "Evil\nATTENDEE:mailto:x@evil.test\nEND:VEVENT, a; b \\ c"
    assert str(vevent["LOCATION"]) == 'Room 1; floor 2, "A"\nBEGIN:VALARM'
    assert str(vevent["DESCRIPTION"]) == "é" * 200
    assert str(vevent["URL"]) == "https://meet.test/xX-EVIL:1"
    assert vevent.decoded("DTSTART") == START


def test_escaping_and_folding_follow_the_rfc() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold("SUMMARY:" + "ő" * 60)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "ő" * 60


def test_the_ics_of_a_date_is_served_as_text_calendar(client: FlaskClient, people: People) -> None:
    occurrence = make_occurrence(
        people,
        starts_at=START,
        place="Budapest, Szív u. 1.; 2. emelet",
        online_url="https://meet.test/abc",
    )
    login(client, people.anna, Role.TRAINEE, people.context, lang="en")
    first = client.get(f"/live/dates/{occurrence.id}/calendar.ics")
    assert first.status_code == 200
    assert first.mimetype == "text/calendar"
    assert "attachment" in first.headers["Content-Disposition"]
    body = first.get_data(as_text=True)
    _strictly_valid(body)
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTEND") == START + timedelta(minutes=90)
    assert "DTSTART:20261208T130000Z" in body
    assert str(event["SUMMARY"]) == "Listening triads (Tiny test course)"
    assert str(event["LOCATION"]) == "Budapest, Szív u. 1.; 2. emelet"
    assert str(event["URL"]) == "https://meet.test/abc"
    assert "DTSTAMP" in event
    again = client.get(f"/live/dates/{occurrence.id}/calendar.ics").get_data(as_text=True)
    assert str(icalendar.Calendar.from_ical(again).walk("VEVENT")[0]["UID"]) == str(event["UID"])
    other = make_occurrence(people, starts_at=START)
    other_body = client.get(f"/live/dates/{other.id}/calendar.ics").get_data(as_text=True)
    assert str(icalendar.Calendar.from_ical(other_body).walk("VEVENT")[0]["UID"]) != str(
        event["UID"]
    )


def test_the_ics_of_another_course_is_not_found(
    client: FlaskClient, people: People, make: Factory
) -> None:
    occurrence = make_occurrence(people)
    stranger_context = make.context()
    stranger = make.user(stranger_context, Role.TRAINEE)
    login(client, stranger, Role.TRAINEE, stranger_context, lang="en")
    assert client.get(f"/live/dates/{occurrence.id}/calendar.ics").status_code == 404
