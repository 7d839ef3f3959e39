"""A trainee's standing in a course: what `progress.services.compute` returns, what the stored
snapshot holds (`progress.snapshot`) and what pages read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ModuleProgress:
    module_id: str
    status: str  # locked | open | in_progress | complete
    lessons_done: int
    lessons_total: int
    quiz_best: float | None
    quiz_passed: bool
    assignment_state: str
    hours_credited: float
    active_seconds: int
    is_override: bool = False
    attended: bool = False  # some live hours credited
    # Hours by kind (online, assignment, live, practicum) and the evidence the trainer sees.
    hours_by_kind: dict[str, float] = field(default_factory=dict)
    min_active_seconds: int = 0  # the sum of the module's lesson minimums
    lessons_short: tuple[str, ...] = ()  # completed with less than the lesson's minimum time
    lessons_legacy: tuple[str, ...] = ()  # completed before time on task was recorded
    live_hours: float = 0.0
    practicum_state: str = "none"
    unlocks_next: bool = False  # self-study done: the next module opens (live/practicum later)

    @property
    def little_active_time(self) -> bool:
        """Completed with little active time: a lesson below its minimum, or the module's
        lessons done with less active time than their minimums add up to."""
        if self.lessons_short or self.lessons_legacy:
            return True
        done = self.lessons_total and self.lessons_done == self.lessons_total
        return bool(done) and self.active_seconds < self.min_active_seconds


@dataclass(frozen=True)
class CourseProgress:
    course_id: str
    modules: tuple[ModuleProgress, ...]
    hours_credited: float
    hours_total: float
    active_seconds: int
    last_activity_at: datetime | None
    next_step: dict[str, str] | None = None
    waiting: tuple[str, ...] = field(default_factory=tuple)
    hours_by_kind: dict[str, float] = field(default_factory=dict)
    hours_total_by_kind: dict[str, float] = field(default_factory=dict)
    # Whether the trainee holds a certificate of the course (it opens the refresher module); None
    # when the course has no refresher and nobody asked.
    certified: bool | None = None

    @property
    def little_active_time(self) -> tuple[ModuleProgress, ...]:
        """Modules the trainer should look at (completed with little active time)."""
        return tuple(m for m in self.modules if m.little_active_time)

    def module(self, module_id: str) -> ModuleProgress | None:
        return next((m for m in self.modules if m.module_id == module_id), None)
