"""Words in a trainee's online text and the assignment's limits (`min_words` / `max_words`).

The editor counts the same way in the browser (static/js/writing.js): a word is a run of
non-space characters with at least one letter or digit, so Markdown marks (`-`, `#`, `**`) and
lone punctuation do not count, and "kortárs-segítő" is one word, as in a word processor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lms_plugin.courses.content import Assignment

# Submitting more than this share above max_words is refused ("far above"); a little over is a
# warning only, as an essay of 1,230 words for a 1,200-word limit is not worth a refusal.
TOLERANCE = 0.10


def count_words(text: str) -> int:
    """How many words `text` has (see the module's docstring for what a word is)."""
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


def hard_limit(assignment: Assignment) -> int:
    """The most words a submission may have (0: no limit)."""
    if not assignment.max_words:
        return 0
    return assignment.max_words + math.ceil(assignment.max_words * TOLERANCE)


@dataclass(frozen=True)
class Length:
    """A text's word count against the assignment's limits."""

    words: int
    min_words: int
    max_words: int
    limit: int  # hard_limit: above it, submitting is refused

    @property
    def too_short(self) -> bool:
        return bool(self.min_words) and self.words < self.min_words

    @property
    def over(self) -> bool:
        return bool(self.max_words) and self.words > self.max_words

    @property
    def refused(self) -> bool:
        return bool(self.limit) and self.words > self.limit


def measure(assignment: Assignment, text: str) -> Length:
    """The text's length against the assignment's limits."""
    return Length(
        count_words(text), assignment.min_words, assignment.max_words, hard_limit(assignment)
    )
