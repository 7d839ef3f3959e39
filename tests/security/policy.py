"""Who may reach every endpoint: the table the authorisation matrix checks against app.url_map.

Adding a route without adding it here fails tests/security/test_authorization_matrix.py: decide who
may use it, then add a line. Values of URL parameters name seeded objects (`world.ids[...]`)
or, after "=", a literal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EVERYONE = frozenset(
    {
        "anonymous",
        "trainee",
        "other_trainee",
        "trainer_elsewhere",
        "trainer",
        "coordinator",
        "admin",
        # tenants and scopes (see tests/security/world.py)
        "centre_coordinator",
        "ungranted_coordinator",
        "coordinator_b",
        "admin_b",
        "tool_admin",
    }
)
LAUNCHED = EVERYONE - {"anonymous"}
# Anna's own objects (tenant A, centre C1): Anna, her trainer (course A), the coordinator of the
# whole programme, tenant A's admin and the tool administrator.
OWNER_AND_STAFF = frozenset({"trainee", "trainer", "coordinator", "admin", "tool_admin"})
TRAINERS = frozenset({"trainer_elsewhere", "trainer", "admin", "admin_b", "tool_admin"})  # own data
TRAINER_OF_ANNA = frozenset({"trainer", "admin", "tool_admin"})  # acting on a trainee of course A
# Acting on tenant A's coordination objects at centre C1.
COORDINATORS = frozenset({"coordinator", "admin", "tool_admin"})
# Coordination pages that list what is in the viewer's own scope (no object of another scope named).
SCOPED = COORDINATORS | {"centre_coordinator", "coordinator_b", "admin_b"}
# The whole programme (imports, the matcher): not a coordinator of one centre only.
WHOLE_PROGRAMME = SCOPED - {"centre_coordinator"}
NO_COURSE_COORDINATORS = frozenset({"centre_coordinator", "ungranted_coordinator", "coordinator_b"})
ADMINS = frozenset({"admin", "tool_admin"})  # acting on tenant A's registrations and people
MENTORS = frozenset({"trainee", "other_trainee"})  # teachers holding a mentor profile
ADMIN_PAGES = ADMINS | {"admin_b"}  # admin pages listing the viewer's own tenant

# Kinds that are not role-gated pages.
PUBLIC = "public"  # anyone, no launch needed (verification, keys, health, the landing page)
LTI = "lti"  # LTI protocol endpoints: their own checks (id_token, state, registration token)
SERVICE = "service"  # server-to-server APIs with bearer/client-assertion auth: 401/400 without it
PRACTICE = "practice"  # the practice LMS's own pages (a demo platform; off in production)


@dataclass(frozen=True)
class Rule:
    """`allowed`: visitors who get the page; `denied` (default: everyone else) get 401/403/404."""

    kind: str = "roles"
    allowed: frozenset[str] = EVERYONE
    params: dict[str, str] = field(default_factory=dict)
    denied: frozenset[str] | None = None
    may_404: bool = False  # an allowed visitor may get 404 (e.g. a literal id that does not exist)

    def denied_to(self) -> frozenset[str]:
        if self.kind != "roles":
            return frozenset()
        return self.denied if self.denied is not None else EVERYONE - self.allowed


def public(**params: str) -> Rule:
    return Rule(kind=PUBLIC, params=params, may_404=True)


def roles(allowed: frozenset[str], may_404: bool = False, **params: str) -> Rule:
    return Rule(allowed=allowed, params=params, may_404=may_404)


SUBMISSION = {"submission_id": "anna_submission"}
COURSE_PAGE = {"module_id": "module_id"}
LIVE_DATE = {"occurrence_id": "=999999"}
LIVE_VIEWERS = TRAINERS | MENTORS  # trainees and trainers of a course

POLICY: dict[str, Rule] = {
    # main, accounts
    "main.home": public(),
    "main.healthz": public(),
    "static": public(filename="=app.css"),
    "accounts.set_language": public(),
    "accounts.logout": public(),
    "accounts.autosave_get": roles(LAUNCHED),
    "accounts.autosave_post": roles(LAUNCHED),
    # LTI protocol
    "lti.login": Rule(kind=LTI),
    "lti.launch": Rule(kind=LTI),
    "lti.continue_launch": Rule(kind=LTI, params={"token": "=not-a-token"}),
    "lti.resume_launch": Rule(kind=LTI, params={"token": "=not-a-token"}),
    "lti.jwks": public(),
    "lti.register": Rule(kind=LTI),
    "lti.deep_link_picker": Rule(kind=LTI),
    # Scores in Moodle: the trainers of the launched course (a delivery of another course: 404).
    "lti.deliveries": roles(TRAINERS, may_404=True),
    "lti.retry": roles(TRAINERS, may_404=True, delivery_id="=999999"),
    "lti.send_now": roles(TRAINERS, may_404=True),
    # courses (any launched user; the content itself is not personal)
    "courses.course_home": roles(LAUNCHED),
    "courses.module": roles(LAUNCHED, **COURSE_PAGE),
    "courses.lesson": roles(LAUNCHED, module_id="module_id", lesson_id="lesson_id"),
    "courses.complete_lesson": roles(LAUNCHED, module_id="module_id", lesson_id="lesson_id"),
    "courses.quiz": roles(LAUNCHED, module_id="quiz_module_id"),
    "courses.quiz_result": roles(
        LAUNCHED, may_404=True, module_id="quiz_module_id", attempt_no="=1"
    ),
    "courses.open_early": roles(TRAINER_OF_ANNA - {"tool_admin"}, user_id="anna"),
    "courses.image": roles(LAUNCHED, may_404=True, module_id="module_id", filename="=nope.png"),
    # Materials and the glossary: trainees and trainers of a course (a material of a locked
    # module gives trainees the "Available when" page).
    "courses.materials": roles(LAUNCHED),
    "courses.glossary": roles(LAUNCHED),
    "courses.material_download": roles(LAUNCHED, material_id="=glossary", lang="=hu", fmt="=pdf"),
    # progress
    "progress.dashboard": roles(LAUNCHED),
    "progress.heartbeat": roles(LAUNCHED),
    "progress.cohort": roles(TRAINERS),
    "progress.cohort_csv": roles(TRAINERS),
    "progress.trainee": roles(TRAINER_OF_ANNA - {"tool_admin"}, user_id="anna"),
    "progress.mark_complete": roles(TRAINER_OF_ANNA - {"tool_admin"}, user_id="anna"),
    # evaluation: the trainee's own self-assessments and survey; the trainer's course
    "evaluation.index": roles(LAUNCHED),
    "evaluation.self_assessment": roles(LAUNCHED, phase="=entry"),
    "evaluation.survey_form": roles(LAUNCHED),
    "evaluation.cohort": roles(TRAINERS),
    "evaluation.trainee": roles(TRAINER_OF_ANNA - {"tool_admin"}, user_id="anna"),
    "evaluation.survey_results": roles(TRAINERS),
    # live sessions: trainers run the dates of their launched course; trainees of that course sign
    # up (a date of another course, or one that does not exist: 404)
    "live.index": roles(LIVE_VIEWERS),
    "live.schedule": roles(TRAINERS),
    "live.edit": roles(TRAINERS, may_404=True, **LIVE_DATE),
    "live.cancel": roles(TRAINERS, may_404=True, **LIVE_DATE),
    "live.register": roles(TRAINERS, may_404=True, **LIVE_DATE),
    "live.walk_in": roles(TRAINERS, may_404=True, **LIVE_DATE),
    "live.sign_up": roles(MENTORS, may_404=True, **LIVE_DATE),
    "live.withdraw": roles(MENTORS, may_404=True, **LIVE_DATE),
    "live.calendar": roles(LAUNCHED, may_404=True, **LIVE_DATE),
    # practicum journal: each launched person's own entries (the seeded course has no journal: 404;
    # another trainee's entry: 404, tests/journal)
    "journal.page": roles(LAUNCHED, may_404=True, **COURSE_PAGE),
    "journal.edit": roles(LAUNCHED, may_404=True, entry_id="=999999", **COURSE_PAGE),
    "journal.add": roles(LAUNCHED, may_404=True, **COURSE_PAGE),
    "journal.update": roles(LAUNCHED, may_404=True, entry_id="=999999", **COURSE_PAGE),
    "journal.delete": roles(LAUNCHED, may_404=True, entry_id="=999999", **COURSE_PAGE),
    "journal.submit": roles(LAUNCHED, may_404=True, **COURSE_PAGE),
    "journal.reflect": roles(
        LAUNCHED,
        may_404=True,
        module_id="module_id",
        lesson_id="lesson_id",
        prompt_id="=reflection-1",
    ),
    # grading: trainees' side
    "grading.my_submissions": roles(LAUNCHED),
    "grading.assignment": roles(LAUNCHED, assignment_id="assignment_id"),
    "grading.save_draft": roles(LAUNCHED, assignment_id="assignment_id"),
    "grading.confirm_submit": roles(LAUNCHED, assignment_id="assignment_id"),
    "grading.submit": roles(LAUNCHED, assignment_id="assignment_id"),
    "grading.preview": roles(LAUNCHED),
    "grading.download": roles(OWNER_AND_STAFF, file_id="anna_file"),
    # grading: trainers' side
    "grading.queue": roles(TRAINERS),
    "grading.grade_page": roles(OWNER_AND_STAFF - {"trainee"}, **SUBMISSION),
    "grading.save_grade": roles(TRAINER_OF_ANNA, **SUBMISSION),
    "grading.reopen": roles(TRAINER_OF_ANNA, **SUBMISSION),
    "grading.allocate": roles(TRAINER_OF_ANNA, **SUBMISSION),
    "grading.reopen_for_correction": roles(TRAINER_OF_ANNA, **SUBMISSION),
    "grading.confirm_release": roles(TRAINERS),
    "grading.release_grades": roles(TRAINERS),
    # The launch's course: coordinators launched without one get a 400 telling them to open it.
    "grading.export_csv": Rule(
        allowed=TRAINERS | {"coordinator"},
        denied=EVERYONE - TRAINERS - {"coordinator"} - NO_COURSE_COORDINATORS,
    ),
    "grading.comment_bank": roles(TRAINERS),
    # The entry belongs to course A's trainer; an admin may or may not tidy it (not checked).
    "grading.delete_comment": Rule(
        allowed=frozenset({"trainer"}),
        params={"entry_id": "comment_entry"},
        denied=EVERYONE - {"trainer", "admin"},
    ),
    # certification
    "certification.mine": roles(LAUNCHED),
    "certification.pdf": roles(OWNER_AND_STAFF, cert_id="anna_cert"),
    "certification.badge_jwt": roles(OWNER_AND_STAFF, cert_id="anna_cert"),
    "certification.check": roles(LAUNCHED),
    "certification.register": roles(SCOPED | {"ungranted_coordinator"}),
    "certification.register_csv": roles(SCOPED | {"ungranted_coordinator"}),
    "certification.register_zip": roles(SCOPED | {"ungranted_coordinator"}),
    # background jobs (big exports): the owner only; no job is seeded, so launched users get 404
    "notices.preferences": roles(LAUNCHED),
    # The signed token is the proof (mail clients post one-click without our form): an unknown
    # token is a 404 for everyone.
    "notices.unsubscribe": public(token="=not-a-token"),
    "notices.mailbox": Rule(kind=PRACTICE),
    "jobs.status": roles(LAUNCHED, may_404=True, job_id="=999999"),
    "jobs.status_json": roles(LAUNCHED, may_404=True, job_id="=999999"),
    "jobs.download": roles(LAUNCHED, may_404=True, job_id="=999999"),
    "certification.revoke": roles(COORDINATORS, cert_id="anna_cert"),
    "certification.verify_form": public(),
    "certification.verify": public(code="anna_code"),
    "certification.issuer": public(),
    "certification.achievement": public(course_id="=mentor-30h"),
    "certification.key": public(kid="=unknown-kid"),
    "certification.credential": public(code="anna_code"),
    # coordination
    "coordination.mentor_view": roles(LAUNCHED),
    "coordination.dashboard": roles(SCOPED),
    "coordination.dashboard_csv": roles(SCOPED),
    "coordination.dashboard_json": roles(SCOPED),
    "coordination.centre_report_pdf": roles(SCOPED, may_404=True),  # needs ?centre= in scope
    "coordination.audit_log": roles(SCOPED),
    "coordination.helpers": roles(SCOPED),
    "coordination.helpers_export": roles(SCOPED),
    "coordination.helper_new": roles(SCOPED),
    "coordination.helper_detail": roles(COORDINATORS, helper_id="helper"),
    "coordination.helper_link": roles(COORDINATORS, helper_id="helper"),
    "coordination.helper_unlink": roles(COORDINATORS, helper_id="helper"),
    "coordination.helper_ban": roles(COORDINATORS, helper_id="helper"),
    "coordination.helper_erase": roles(COORDINATORS, helper_id="helper"),
    "coordination.match_run": roles(WHOLE_PROGRAMME),
    "coordination.match_review": roles(SCOPED, may_404=True, run_id="=999999"),
    "coordination.match_move": roles(SCOPED, may_404=True, run_id="=999999"),
    "coordination.match_publish": roles(SCOPED, may_404=True, run_id="=999999"),
    "coordination.match_discard": roles(SCOPED, may_404=True, run_id="=999999"),
    "coordination.match_progress": roles(SCOPED, may_404=True, job_id="=999999"),
    "coordination.match_progress_json": roles(SCOPED, may_404=True, job_id="=999999"),
    "coordination.mentors": roles(SCOPED),
    "coordination.placements": roles(SCOPED),
    "coordination.mentor_detail": roles(COORDINATORS, mentor_id="mentor"),
    "coordination.place": roles(COORDINATORS, mentor_id="mentor"),
    "coordination.end_placement": roles(COORDINATORS, placement_id="placement"),
    "coordination.create_programme": roles(SCOPED),
    "coordination.schools": roles(SCOPED),
    "coordination.schools_lookup": roles(SCOPED),
    "coordination.schools_export": roles(SCOPED),
    "coordination.import_preview": roles(WHOLE_PROGRAMME),
    "coordination.import_confirm": roles(WHOLE_PROGRAMME),
    # service year: the mentors' logbook (Anna and Béla hold mentor profiles), coordinators' counts
    "service.logbook": roles(LAUNCHED),
    "service.privacy": roles(LAUNCHED),
    "service.session_new": roles(MENTORS),
    "service.meeting_new": roles(MENTORS),
    "service.summary": roles(MENTORS),
    "service.referrals": roles(MENTORS),
    "service.referral_status": roles(MENTORS, may_404=True, referral_id="=999999"),
    "service.referral_overview": roles(SCOPED | {"ungranted_coordinator"}),
    "service.school_contacts": roles(COORDINATORS, school_id="school"),
    "service.contact_delete": roles(SCOPED, may_404=True, contact_id="=999999"),
    "service.helper_export": roles(COORDINATORS, helper_id="helper"),
    "service.outcomes_dashboard": roles(SCOPED),
    "service.outcome_entry": roles(SCOPED, may_404=True),  # ?school= names the school
    "service.outcomes_import": roles(SCOPED),
    "service.outcomes_import_confirm": roles(SCOPED),
    "service.report": roles(SCOPED),
    # admin
    "admin.platforms": roles(ADMIN_PAGES),
    "admin.platform_active": roles(ADMINS, platform_id="platform"),
    "admin.coordinators": roles(ADMIN_PAGES),
    "admin.coordinator_set": roles(ADMINS, user_id="bela"),
    "admin.coordinator_grant": roles(ADMINS, user_id="bela"),
    # The grant picker's suggestions: the programmes and centres of the viewer's own tenant.
    "admin.grant_targets_json": roles(ADMIN_PAGES),
    "admin.coordinator_ungrant": roles(ADMINS, may_404=True, user_id="bela", grant_id="=999999"),
    # the practice LMS (a platform: its pages are its own, its services need a token)
    "practice.index": Rule(kind=PRACTICE),
    "practice.setup": Rule(kind=PRACTICE),
    "practice.gradebook": Rule(kind=PRACTICE),
    "practice.launch_return": Rule(kind=PRACTICE),
    "practice.jwks": Rule(kind=PRACTICE),
    "practice.launch": Rule(kind=PRACTICE),
    "practice.initiate": Rule(kind=PRACTICE),
    "practice.auth": Rule(kind=PRACTICE),
    "practice.deep_link_return": Rule(kind=PRACTICE),
    "practice.token": Rule(kind=SERVICE),
    "practice.lineitems": Rule(kind=SERVICE, params={"context_id": "=course-a"}),
    "practice.lineitem": Rule(kind=SERVICE, params={"context_id": "=course-a", "item_id": "=1"}),
    "practice.results": Rule(kind=SERVICE, params={"context_id": "=course-a", "item_id": "=1"}),
    "practice.scores": Rule(kind=SERVICE, params={"context_id": "=course-a", "item_id": "=1"}),
    "practice.memberships": Rule(kind=SERVICE, params={"context_id": "=course-a"}),
}

# POST endpoints that need no CSRF token, and why (tests/security/test_csrf.py checks the rest).
CSRF_EXEMPT: dict[str, str] = {
    "lti.login": "OIDC login initiation is a cross-site POST from the platform by design",
    "lti.launch": "the id_token is signed by the platform and bound to state + nonce",
    "practice.auth": "the practice platform's OIDC endpoint answers the tool's redirect",
    "practice.token": "OAuth2 client-credentials with a signed client_assertion",
    "practice.lineitems": "AGS API: bearer token",
    "practice.scores": "AGS API: bearer token",
    "practice.lineitem": "AGS API (PUT): bearer token",
    "practice.deep_link_return": "the deep-linking response is a JWT signed by the tool",
    "notices.unsubscribe": "RFC 8058 one-click unsubscribe: mail clients POST without our form; "
    "the signed token in the URL is the proof, and it only turns a notice off",
}
