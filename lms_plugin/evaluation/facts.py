"""Facts other features may read (certification): has the trainee done the course evaluation?"""

from __future__ import annotations

from lms_plugin.courses.content import get_course
from lms_plugin.errors import NotFound
from lms_plugin.evaluation.models import EXIT
from lms_plugin.evaluation.services import assessments
from lms_plugin.evaluation.survey import has_answered


def evaluation_done(user_id: int, course_id: str) -> bool:
    """The exit self-assessment and the survey are sent, for the parts the course declares.

    What the trainee answered never matters, only that they answered (as accredited courses
    require). A course without an evaluation, or not loaded, never holds a certificate back.
    """
    try:
        course = get_course(course_id)
    except NotFound:
        return True
    evaluation = course.evaluation
    if evaluation is None:
        return True
    if evaluation.self_assessment and EXIT not in assessments(user_id, course_id):
        return False
    return not (evaluation.survey and not has_answered(user_id, course_id))
