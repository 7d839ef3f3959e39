"""The practice course and the people in it (fixed, like a seeded Moodle test site)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
ADMINISTRATOR = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"


@dataclass(frozen=True)
class PracticeCourse:
    """The one course of the practice LMS (a Moodle course: context type CourseSection)."""

    context_id: str
    label: str
    title: str


COURSE = PracticeCourse(
    context_id="2", label="MENTOR-GYAK", title="Mentorképzés 2026 – gyakorló kurzus"
)


@dataclass(frozen=True)
class Person:
    """A practice user; `sub` is a Moodle-like numeric user id."""

    key: str
    sub: str
    given_name: str
    family_name: str
    roles: tuple[str, ...]
    description: object  # a lazy string, shown on the picker
    on_picker: bool = True

    @property
    def name(self) -> str:
        """Hungarian order: family name first."""
        return f"{self.family_name} {self.given_name}"

    @property
    def email(self) -> str:
        return f"{self.key}@gyakorlo-lms.example"

    @property
    def is_instructor(self) -> bool:
        return INSTRUCTOR in self.roles

    @property
    def role_names(self) -> list[str]:
        """Every role's short name, institution roles included (for people to read)."""
        return [r.rsplit("#", 1)[-1] for r in self.roles]

    @property
    def short_roles(self) -> list[str]:
        """NRPS role names as Moodle sends them: `Learner`, `Instructor`."""
        return [r.rsplit("#", 1)[-1] for r in self.roles if "/membership#" in r]


PEOPLE: tuple[Person, ...] = (
    Person("anna", "4", "Anna", "Kovács", (LEARNER,), _l("Trainee")),
    Person("peter", "5", "Péter", "Szabó", (LEARNER,), _l("Second trainee")),
    Person("eva", "3", "Éva", "Nagy", (INSTRUCTOR,), _l("Trainer")),
    Person(
        "gabor", "6", "Gábor", "Tóth", (LEARNER,), _l("Coordinator (rights granted in the tool)")
    ),
    Person("zsuzsa", "2", "Zsuzsa", "Horváth", (ADMINISTRATOR, INSTRUCTOR), _l("Moodle admin")),
    Person("katalin", "7", "Katalin", "Kiss", (LEARNER,), _l("Trainee"), on_picker=False),
    Person("balazs", "8", "Balázs", "Molnár", (LEARNER,), _l("Trainee"), on_picker=False),
    Person("eszter", "9", "Eszter", "Varga", (LEARNER,), _l("Trainee"), on_picker=False),
    Person("laszlo", "10", "László", "Farkas", (LEARNER,), _l("Trainee"), on_picker=False),
    Person("judit", "11", "Judit", "Papp", (LEARNER,), _l("Trainee"), on_picker=False),
)


def person(key: str) -> Person | None:
    """The person with this key (`anna`), or None."""
    return next((p for p in PEOPLE if p.key == key), None)


def person_by_sub(sub: str) -> Person | None:
    return next((p for p in PEOPLE if p.sub == sub), None)
