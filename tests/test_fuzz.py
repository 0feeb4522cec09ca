"""Fuzzing: nothing a person sends makes the portal answer with a server error. Hypothesis sends hostile
values (unicode digits such as ² ① ٣, 30-digit and negative numbers, impossible dates, NUL and control
characters, very long text, lists where one value is expected, wrong JSON types, deep nesting, bodies that
are not JSON or not a form, bogus uploads, odd ids in the path) to POST /api/v1/match, to every form of the
portal (as a role that may use it and as one that may not, following the redirect to the page that shows
what was saved) and to the office's catalogue import; every answer must be below 500, and a view that
raises fails the test with its traceback. Each example runs in a transaction rolled back afterwards, with a
fresh cache (no rate limit or throttle carries over), so examples cannot change each other's world.

Replaying: the examples are drawn from a fixed seed, DEFAULT_SEED, so every run of the suite (SQLite and
PostgreSQL) tries the same 2,000-odd cases, in about two minutes on two cores. A failure prints the
falsifying example and the seed; `HYPOTHESIS_SEED=<n> .venv/bin/python -m pytest -q tests/test_fuzz.py`
replays a run with seed n, or searches elsewhere with a new n, and `FUZZ_SCALE=<factor>` multiplies the
number of examples for a longer search. An input that once failed stays as an explicit `@example` here or
as a plain test beside the feature's own tests."""

from __future__ import annotations

import json
import os
import string
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, event, example, given, note, seed, settings
from hypothesis import strategies as st

from tests.factories import activate_totp
from tests.matching.test_outcomes import outcome_post, pdf, png, request_changes, submitted
from tests.test_access_matrix import (  # noqa: F401 (the `world`, `training_world`, `planning_world` fixtures)
    ALERT_EDIT,
    ALERT_FORM,
    DECISION,
    DEMAND_FORM,
    EXPERT_FORM,
    GROUP_RATES_INSTITUTION,
    INSTITUTION_RATES_GROUP,
    INVITE_EXPERT,
    INVITE_STAFF,
    LOG_ENTRY,
    MESSAGE,
    OPEN_GROUP,
    PLANNING_SETTINGS,
    PROPOSAL,
    REPORT,
    RETIRE_EXPERT,
    SHORT_REQUEST,
    SIGNED_OPINION,
    SUSPEND,
    WATCH_FORM,
    alert_world,
    expert_world,
    filled,
    planning_world,
    training_world,
    world,
)

pytestmark = pytest.mark.django_db

DEFAULT_SEED = 20260417
SEED = int(os.environ.get("HYPOTHESIS_SEED", DEFAULT_SEED))
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))


def fuzz(examples: int):
    """Hypothesis settings for one test: `examples` examples (times FUZZ_SCALE), no deadline (the first
    request of a test warms caches), no example database (the seed alone says what runs)."""
    return settings(
        max_examples=max(1, round(examples * SCALE)),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )


@contextmanager
def rolled_back():
    """One example's requests, in a transaction that is rolled back however they end."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assert_no_server_error(response) -> None:
    assert response.status_code < 500, response.content[:2000]


# Hostile values.

UNICODE_DIGITS = ["²", "①", "٣", "९", "𝟗", "Ⅻ", "½", "〇", "١٢٣", "²³", "1²", "٣٠", "１２"]
NUMBERS = [
    "0",
    "-1",
    "-0",
    "1.5",
    "1,5",
    "1e3",
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "0x1F",
    "1_000",
    " 7 ",
    "+3",
    "9" * 30,
    "-" + "9" * 30,
    "0." + "9" * 30,
    str(2**31),
    str(2**63),
    str(2**64),
    "99999999999999999999",
    "2147483648",
    "32768",
]
DATES = [
    "9999-12-31",
    "0000-00-00",
    "0001-01-01",
    "2027/04/05",
    "2027-02-30",
    "2027-13-01",
    "31.12.2027",
    "2027-04-05T10:00",
    "20270405",
    "-2027-04-05",
    "10000-01-01",
    "٢٠٢٧-٠٤-٠٥",
]
TEXTS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t\x0b\x0c",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "\u200b",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%(x)s{0}{}",
    "../../etc/passwd",
    "{{ 7|add:7 }}",
    "true",
    "on",
    "null",
    "[]",
    "{}",
    "None",
    "x" * 100_000,
    "字" * 5_000,
    "de-tum",
    "DE",
    "intelligent-manufacturing",
]
CONSTANTS = UNICODE_DIGITS + NUMBERS + DATES + TEXTS

# Text as a browser may send it: any character UTF-8 can carry (lone surrogates cannot be encoded).
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)

hostile_text = st.one_of(
    st.sampled_from(CONSTANTS),
    ANY_TEXT,
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(str),
    st.dates().map(str),
)
# A form value: one text, or several for a key that takes one.
form_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))

# Keys no form of the portal has, some named like what a request must not be able to set.
UNKNOWN_KEYS = [
    "next",
    "id",
    "pk",
    "status",
    "organizing_unit",
    "institution",
    "is_superuser",
    "__proto__",
    "csrfmiddlewaretoken",
    "x" * 300,
    "字段",
    "",
]

# Content types a body may be sent with.
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-16",
    "application/json; charset=bogus",
    "text/plain",
    "",
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "multipart/form-data; boundary=" + "a" * 1000,
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=bogus",
    "application/xml",
]
RAW_BODIES = [
    b"",
    b"\xff\xfe\x00",
    b"\xc3\x28",
    b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
    b'--x\r\nContent-Disposition: form-data; name="images"; filename="../../a.png"\r\n\r\nGIF89a\r\n--x',
    b"a=1&a=2&b=%00&c=%ZZ&=&&d",
    b"%" * 100,
    b"{" * 10_000,
    b"[" * 100_000,
    b'{"title": "x"',
    b'{"title": "\\ud800"}',
    b'\xef\xbb\xbf{"title": "x"}',
    b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
]
raw_body = st.one_of(st.sampled_from(RAW_BODIES), st.binary(max_size=200))


def uploads() -> st.SearchStrategy:
    """A few small bogus files: empty, text posing as an image, an image posing as a document, a
    truncated image, a name with a path or NUL in it, a very long name."""
    return st.sampled_from(
        [
            lambda: SimpleUploadedFile("empty.png", b"", content_type="image/png"),
            lambda: SimpleUploadedFile("not-an-image.png", b"hello", content_type="image/png"),
            lambda: SimpleUploadedFile("image.pdf", png().read(), content_type="application/pdf"),
            lambda: SimpleUploadedFile("cut.png", png().read()[:40], content_type="image/png"),
            lambda: SimpleUploadedFile("../../etc/passwd.pdf", b"%PDF-1.4\n", content_type="application/pdf"),
            lambda: SimpleUploadedFile("a\x00b.pdf", b"%PDF-1.4\n", content_type="application/pdf"),
            lambda: SimpleUploadedFile("x" * 300 + ".pdf", b"%PDF-1.4\n", content_type="application/pdf"),
            lambda: SimpleUploadedFile("report.exe", b"MZ\x90\x00", content_type="application/pdf"),
            lambda: png("²①.png"),
            lambda: pdf("报告.pdf"),
        ]
    ).map(lambda make: make())


# The forms.


@dataclass(frozen=True)
class Form:
    """A form a person can send: where, a role that may use it and one that may not (a visitor for the open
    ones), the fixtures it needs beyond `world`, and a valid submission the fuzzer starts from (a dict with
    the world's keys as {placeholders}, or a function of those keys)."""

    name: str
    path: str
    role: str
    other: str
    data: dict | Callable[[dict], dict] = field(default_factory=dict)
    method: str = "POST"
    needs: tuple[str, ...] = ()
    files: tuple[str, ...] = ()


def outcome_as_sent(keys: dict) -> dict:
    return outcome_post(keys["catalogue"])


PASSWORD = "Kd8!vQ2#fuzzing"
TRAINING = ("training_world",)
PLANNING = ("planning_world",)

# fmt: off
FORMS = [
    # Demands and their expert review.
    Form("demand-create", "/demands/new/", "xu", "anna", {**DEMAND_FORM, "justify_hotspot": "因为"}),
    Form("demand-edit", "/demands/x-draft/edit/", "xu", "yang", {**DEMAND_FORM, "action": "publish"}),
    Form("demand-check", "/demands/check/?demand=x-draft", "xu", "anna", DEMAND_FORM),
    Form("demand-publish", "/demands/x-draft/publish/", "xu", "anna"),
    Form("demand-withdraw", "/demands/x-public/withdraw/", "xu", "yang"),
    Form("review-invite", "/demands/x-private/reviews/invite/", "xu", "eve", INVITE_EXPERT),
    Form("review-cancel", "/demands/x-private/reviews/{review}/cancel/", "xu", "anna"),
    Form("review-sign", "/reviews/{review_token}/", "eve", "anna", SIGNED_OPINION),
    # Negotiation.
    Form("inquiry-reply", "/inquiries/{inquiry}/reply/", "anna", "bruno", MESSAGE),
    Form("inquiry-propose", "/inquiries/{inquiry}/propose/", "anna", "olivia", PROPOSAL),
    Form("inquiry-status", "/inquiries/{inquiry}/status/", "xu", "bruno", {"to": "declined"}),
    Form("contact-institution", "/demands/x-public/contact/nl-wur/", "xu", "yang", MESSAGE),
    Form("express-interest", "/institution/demands/x-registered/interest/", "bruno", "xu", MESSAGE),
    # Training groups, their log and the two evaluation links.
    Form("training-open", "/inquiries/{to_open}/training-group/", "xu", "bruno", OPEN_GROUP, needs=TRAINING),
    Form("training-log-add", "/training-groups/{group}/log/", "anna", "yang", LOG_ENTRY, needs=TRAINING),
    Form("training-evaluate-unit", "/evaluate/{unit_token}/", "xu", "anna",
         {**GROUP_RATES_INSTITUTION, "comment": "Gut."}, needs=TRAINING),
    Form("training-evaluate-institution", "/evaluate/{institution_token}/", "anna", "xu",
         {**INSTITUTION_RATES_GROUP, "comment": "积极。"}, needs=TRAINING),
    # Outcomes, with files.
    Form("outcome-submit", "/outcomes/submit/", "xu", "anna", outcome_as_sent, files=("images", "documents")),
    Form("outcome-revise", "/outcomes/mine/{outcome}/revise/", "xu", "yang", outcome_as_sent,
         needs=("outcome_to_revise",), files=("images", "documents")),
    # Accounts: units, staff and their invitations, the office's decisions.
    Form("unit-join", "/unit/join/", "eve", "xu", {"unit": "", "new_unit": "新的组团单位"}),
    Form("unit-member-confirm", "/unit/members/{membership}/confirm/", "xu", "anna"),
    Form("unit-member-decline", "/unit/members/{membership}/decline/", "xu", "yang"),
    Form("staff-invitations", "/institution/staff/", "anna", "xu", {"email": "new.colleague@example.org"}),
    Form("staff-invitations-by-office", "/institution/staff/?institution=nl-wur", "olivia", "bruno",
         INVITE_STAFF),
    Form("staff-remove", "/institution/staff/{staff}/remove/", "olivia", "anna"),
    Form("staff-invitation-cancel", "/institution/invitations/{invitation}/cancel/", "bruno", "anna"),
    Form("staff-invitation-accept", "/invitations/{invitation_token}/", "eve", "anna"),
    Form("office-institution-status", "/office/institutions/{tum}/status/", "olivia", "anna", SUSPEND),
    Form("office-quality", "/office/quality/", "olivia", "anna", {"threshold": "3.5", "recent_years": "3"}),
    # Planning: X's project and its plan waiting with the unit, Y's plan waiting at the office.
    Form("project-create", "/projects/new/", "xu", "anna", lambda keys: keys["project_form"], needs=PLANNING),
    Form("project-create-from-demand", "/projects/new/", "xu", "eve", {"demand": "x-public"}, method="GET",
         needs=PLANNING),
    Form("project-from-inquiry", "/inquiries/{to_open}/project/", "xu", "bruno",
         lambda keys: keys["project_form"], needs=(*TRAINING, *PLANNING)),
    Form("project-edit", "/projects/{x_project}/edit/", "xu", "yang", lambda keys: keys["project_form"],
         needs=PLANNING),
    Form("project-summary", "/projects/{x_project}/summary/", "xu", "anna",
         {"returned_on": "2020-01-01", "summary": "任务完成。"}, needs=PLANNING),
    Form("project-close", "/projects/{x_project}/close/", "xu", "yang", needs=PLANNING),
    Form("project-list", "/projects/", "xu", "anna", {"year": "{year}", "page": "1"}, method="GET",
         needs=PLANNING),
    Form("plan-open", "/plans/new/", "xu", "anna", {"year": "{year}"}, needs=PLANNING),
    Form("plan-projects", "/plans/{x_plan}/projects/", "xu", "yang", {"projects": ["{x_project_id}"]},
         needs=PLANNING),
    Form("plan-submit", "/plans/{x_plan}/submit/", "xu", "yang", needs=PLANNING),
    Form("plan-review", "/plans/{y_plan}/review/", "olivia", "xu", lambda keys: keys["review"],
         needs=PLANNING),
    Form("plan-list", "/plans/", "olivia", "anna", {"stage": "office", "page": "1"}, method="GET",
         needs=PLANNING),
    Form("plan-detail", "/plans/{y_plan}/", "olivia", "xu", {"sort": "score", "min_score": "50"},
         method="GET", needs=PLANNING),
    Form("office-planning-settings", "/office/planning/", "olivia", "xu", PLANNING_SETTINGS, needs=PLANNING),
    Form("office-planning-year", "/office/planning/", "olivia", "xu",
         {"form": "year", "year-year": "2031", "year-deadline": "2030-12-31"}, needs=PLANNING),
    Form("office-planning-quota", "/office/planning/", "olivia", "xu",
         {"form": "quota", "quota-year": "{year}", "quota-unit": "{unit_x}", "quota-headcount": "40",
          "quota-local_or_enterprise": "on"}, needs=PLANNING),
    Form("project-follow-up", "/projects/{x_project}/follow-up/", "xu", "yang",
         {"what_changed": "产线改造。", "economic_benefit": "产值提高。", "social_benefit": "培养骨干。",
          "outcome": ""}, needs=PLANNING),
    Form("groups-abroad", "/office/groups-abroad/", "olivia", "xu", {"page": "1"}, method="GET"),
    Form("planning-report", "/office/planning/report/", "olivia", "xu", {"year": "{year}", "format": "xlsx"},
         method="GET", needs=PLANNING),
    Form("planning-report-docx", "/office/planning/report/", "olivia", "yang",
         {"year": "{year}", "department": "{department}", "format": "docx"}, method="GET", needs=PLANNING),
    Form("office-planning-quota-department", "/office/planning/", "olivia", "xu",
         {"form": "quota", "quota-year": "{year}", "quota-department": "{department}",
          "quota-headcount": "40"}, needs=PLANNING),
    # allauth's account pages.
    Form("account-password-change", "/accounts/password/change/", "xu", "anon",
         {"oldpassword": "pw", "password1": PASSWORD, "password2": PASSWORD}),
    Form("account-email", "/accounts/email/", "xu", "anon",
         {"email": "xu.new@example.org", "action_add": ""}),
    Form("account-login", "/accounts/login/", "anon", "xu", {"login": "xu@example.org", "password": "pw"}),
    Form("account-signup", "/accounts/signup/", "anon", "xu",
         {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD, "new_unit": "新单位"}),
    Form("account-password-reset", "/accounts/password/reset/", "anon", "xu", {"email": "xu@example.org"}),
    # Search forms and list filters (GET).
    Form("site-search", "/search/", "xu", "anon", {"q": "风电 wind", "kind": "courses", "page": "1"},
         method="GET"),
    Form("find-institutions", "/find/", "xu", "anon",
         {"text": "机器人培训", "fields": ["intelligent-manufacturing"], "destinations": ["DE"],
          "destinations_only": "on", "days": "21", "category": "professional"}, method="GET"),
    Form("demand-list", "/demands/", "xu", "anon",
         {"q": "机器人", "field": "intelligent-manufacturing", "destination": "DE",
          "category": "professional", "days": "14-30", "status": "published", "days_min": "1",
          "days_max": "30", "page": "1"},
         method="GET"),
    Form("demand-mine", "/demands/mine/", "xu", "anna", {"status": "draft", "page": "2"}, method="GET"),
    Form("inquiry-list", "/inquiries/", "xu", "eve", {"status": "open", "page": "1"}, method="GET"),
    Form("notifications", "/notifications/", "xu", "anon", {"page": "1"}, method="GET"),
    Form("reverse-matches", "/institution/demands/", "anna", "xu", {"page": "1"}, method="GET"),
    Form("outcome-list", "/outcomes/mine/", "xu", "anna", {"page": "1"}, method="GET"),
    Form("outcome-submit-prefill", "/outcomes/submit/", "xu", "anna", {"inquiry": "{inquiry}"}, method="GET"),
    Form("office-institutions", "/office/institutions/", "olivia", "xu",
         {"status": "active", "q": "Munich", "page": "1"}, method="GET"),
    Form("statistics", "/office/statistics/", "olivia", "xu", {"table": "demands", "format": "csv"},
         method="GET"),
    Form("staff-invitations-list", "/institution/staff/", "olivia", "anna", {"institution": "nl-wur"},
         method="GET"),
    Form("directory", "/institutions/", "anon", "xu",
         {"q": "Munich", "country": "DE", "field": "intelligent-manufacturing", "kind": "university",
          "cooperating": "True", "sort": "-rating", "page": "1"}, method="GET"),
    Form("course-library", "/courses/", "anon", "xu",
         {"q": "Industry", "field": "intelligent-manufacturing", "country": "DE", "language": "en",
          "page": "1"},
         method="GET"),
    Form("showcase", "/outcomes/", "anon", "xu",
         {"field": "intelligent-manufacturing", "country": "DE", "year": "2024", "page": "1"}, method="GET"),
]
# fmt: on


# Saved searches and alerts, contacting an institution from its page, reports on listings.
ALERTS = ("alert_world",)
# fmt: off
FORMS += [
    Form("alert-create", "/alerts/new/", "xu", "anna", ALERT_FORM),
    Form("alert-create-watch", "/alerts/new/?kind=institution", "anna", "xu", WATCH_FORM),
    Form("alert-edit", "/alerts/{alert}/", "xu", "yang", ALERT_EDIT, needs=ALERTS),
    Form("alert-pause", "/alerts/{alert}/pause/", "xu", "yang", needs=ALERTS),
    Form("alert-delete", "/alerts/{alert}/delete/", "xu", "yang", needs=ALERTS),
    Form("alert-unsubscribe", "/alerts/unsubscribe/{unsubscribe_token}/", "anon", "yang",
         {"action": "resubscribe", "frequency": "weekly"}, needs=ALERTS),
    Form("alert-list", "/alerts/", "xu", "anon", {"page": "2"}, method="GET"),
    Form("listing-contact", "/institutions/nl-wur/contact/?course=nl-wur-x", "xu", "anna", SHORT_REQUEST),
    Form("report-listing", "/report/institution/de-tum/", "eve", "anon", REPORT),
    Form("my-reports", "/reports/mine/", "eve", "anon", {"page": "1"}, method="GET"),
    Form("office-reports", "/office/reports/", "olivia", "xu",
         {"status": "open", "kind": "course", "reason": "agency", "page": "1"}, method="GET"),
    Form("office-report", "/office/reports/{report}/", "olivia", "anna", DECISION, needs=ALERTS),
    Form("institution-reports", "/institution/reports/", "anna", "xu", {"page": "1"}, method="GET"),
]
# fmt: on

# The expert pool: a unit invites from it, the office keeps it.
EXPERTS = ("expert_world",)
# fmt: off
FORMS += [
    Form("review-invite-pool", "/demands/x-private/reviews/invite/{expert}/", "xu", "yang", needs=EXPERTS),
    Form("office-experts", "/office/experts/", "olivia", "xu",
         {"q": "李", "field": "intelligent-manufacturing", "status": "active", "page": "1"}, method="GET"),
    Form("office-expert-add", "/office/experts/add/", "olivia", "xu", EXPERT_FORM),
    Form("office-expert", "/office/experts/{expert}/", "olivia", "anna", RETIRE_EXPERT, needs=EXPERTS),
]
# fmt: on


@pytest.fixture
def outcome_to_revise(client, people, small_catalogue):
    """Unit X's outcome, sent back by the office with a request for changes."""
    outcome = submitted(client, people, small_catalogue)
    request_changes(outcome, people["olivia"], "Please quantify the benefits.")
    return outcome


# Pages that read nothing but their path (whose ids and tokens `path_keys` fuzzes in the forms above), and
# the URLs fuzzed by tests of their own below.
NO_INPUT = {
    "dashboard",
    "demand-detail",
    "inquiry-detail",
    "training-group",
    "training-log-export",
    "training-qr",
    "project-detail",
    "plan-summary-table",
    "project-application",
    "project-application-docx",
    "application-draft",
    "application-docx",
    "private-file",
    "open-data",
    "open-data-jsonl",
    "open-data-csv",
    "quality-label",
}
FUZZED_BELOW = {"match", "catalog_import", "catalog_import_upload"}


def test_every_form_of_the_portal_is_fuzzed():
    """A URL of the portal's own views added without a case here (or a place in NO_INPUT) fails this test:
    give it a Form with the role that may use it, one that may not and a valid submission."""
    from django.urls import URLResolver, get_resolver

    def names(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from names(pattern.url_patterns)
            elif pattern.name and pattern.callback.__module__.startswith(
                ("catalog.", "matching.", "portal.")
            ):
                yield pattern.name

    cases = {form.name for form in FORMS}
    urls = set(names(get_resolver().url_patterns)) - NO_INPUT - FUZZED_BELOW
    # A URL is covered by the case of its name or by cases named after it (one per role or variant).
    uncovered = {name for name in urls if not any(c == name or c.startswith(f"{name}-") for c in cases)}
    assert not uncovered


KEYS_OF_FIXTURE = {
    "outcome_to_revise": lambda outcome: {"outcome": outcome.external_id},
    "training_world": lambda keys: keys,
    "planning_world": lambda keys: keys,
    "alert_world": lambda keys: keys,
    "expert_world": lambda keys: keys,
}


@pytest.fixture
def keys(request, people, world, small_catalogue) -> dict:  # noqa: F811
    """What the forms' paths and data are filled in with: the world's keys, the catalogue, and the keys of
    the fixtures the form needs (built only for the forms that need them)."""
    form = request.node.callspec.params["form"]
    found = {**world, "catalogue": small_catalogue, "unit_x": people["unit_x"].pk}
    for name in form.needs:
        found.update(KEYS_OF_FIXTURE[name](request.getfixturevalue(name)))
    return found


def fill(value, keys: dict):
    """A form's valid data with the world's keys filled in, every value as the browser sends it: text."""
    if callable(value):
        value = value(keys)
    if isinstance(value, dict):
        return {name: fill(item, keys) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [fill(item, keys) for item in value]
    return filled(value, keys) if isinstance(value, str) else str(value)


@st.composite
def submissions(draw, form: Form, valid: dict) -> dict:
    """A submission: mostly the valid one with some keys replaced, dropped or added, sometimes made of
    hostile values only; a form with file inputs also gets a few bogus files."""
    names = sorted({*valid, *UNKNOWN_KEYS})
    start = draw(st.sampled_from(["valid", "valid", "valid", "scratch"]))
    data = dict(valid) if start == "valid" else {}
    for name in draw(
        st.lists(st.sampled_from(sorted(valid)), max_size=3, unique=True) if valid else st.just([])
    ):
        data.pop(name, None)
    data.update(draw(st.dictionaries(st.sampled_from(names), form_value, min_size=1, max_size=4)))
    for name in form.files:
        if draw(st.integers(0, 3)) == 0:
            data[name] = draw(st.lists(uploads(), min_size=1, max_size=3))
    return data


LANGUAGES = ["/zh-hans", "/en"]
# What may stand in a path for an id or a token: what no object has, or what no database integer holds.
PATH_VALUES = ["0", "9" * 19, "9" * 30, "00000000000000000000001", "x", "²", "%00", "..", "-1", "a" * 300]


def path_keys(path: str) -> st.SearchStrategy:
    """Now and then, hostile values for the keys in a form's path (its object's id or token)."""
    names = [name for _text, name, _spec, _conversion in string.Formatter().parse(path) if name]
    hostile = st.fixed_dictionaries({}, optional={name: st.sampled_from(PATH_VALUES) for name in names})
    return st.one_of(st.just({}), st.just({}), st.just({}), hostile)


def has_files(data: dict) -> bool:
    return any(
        isinstance(value, list) and not all(isinstance(item, str) for item in value)
        for value in data.values()
    )


def send(client, form: Form, path: str, data: dict, encoding: str, body: bytes, content_type: str):
    """A GET with the data as the query, or a POST: multipart (as browsers send forms), urlencoded, or a raw
    body with some content type. A POST follows its redirect, so the page showing what was saved is
    fuzzed too."""
    if form.method == "GET":
        return client.get(path, data)
    if encoding == "raw":
        # `generic` sends the bytes as they are, whatever charset the content type names.
        response = client.generic("POST", path, body, content_type=content_type)
    elif encoding == "urlencoded" and not has_files(data):
        form_body = urlencode(data, doseq=True)
        response = client.post(path, form_body, content_type="application/x-www-form-urlencoded")
    else:
        response = client.post(path, data)
    if response.status_code in (301, 302, 303) and response["Location"].startswith("/"):
        assert_no_server_error(response)
        return client.get(response["Location"])
    return response


@pytest.mark.parametrize("form", FORMS, ids=[form.name for form in FORMS])
@seed(SEED)
@fuzz(20)
@given(data=st.data())
def test_a_form_never_fails_with_a_server_error(client, people, keys, form, data):
    """Sent by a person who may use the form (three examples in four) or by one who may not."""
    role = data.draw(st.sampled_from([form.role, form.role, form.role, form.other]), label="role")
    submission = data.draw(submissions(form, fill(form.data, keys)), label="data")
    prefix = data.draw(st.sampled_from(LANGUAGES), label="language")
    encoding = data.draw(st.sampled_from(["multipart"] * 6 + ["urlencoded"] * 3 + ["raw"]), label="encoding")
    body, content_type = b"", ""
    if encoding == "raw":
        body = data.draw(raw_body, label="body")
        content_type = data.draw(st.sampled_from(CONTENT_TYPES), label="content type")
    path = filled(form.path, {**keys, **data.draw(path_keys(form.path), label="in the path")})
    note(f"HYPOTHESIS_SEED={SEED}")
    with rolled_back():
        if role != "anon":
            client.force_login(people[role])
        response = send(client, form, prefix + path, submission, encoding, body, content_type)
    assert_no_server_error(response)


# POST /api/v1/match

MATCH = "/api/v1/match"

# Any JSON value, as Python's parser reads it (NaN and Infinity included).
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | ANY_TEXT
    | st.sampled_from(CONSTANTS),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=20,
)

DEMAND_KEYS = [
    "type",
    "external_id",
    "title",
    "topic",
    "content",
    "fields",
    "destinations",
    "destinations_only",
    "days",
    "group_size",
    "cities",
    "category",
    "organizing_unit",
    "participants_max_age",
    "participants_min_years_to_retirement",
    "special_project",
    "backbone_plan",
    "expert_review",
    "foreign_funding",
    "double_cross",
    "organizer_level",
    "institutions",
]
VALID_DEMAND = {
    "type": "demand",
    "external_id": "dm-fuzz",
    "title": "智能制造与机器人培训",
    "fields": ["intelligent-manufacturing"],
    "destinations": ["DE"],
    "days": 21,
    "group_size": 12,
    "cities": 1,
    "category": "professional",
}


def nested(depth: int) -> object:
    value: object = "x"
    for _level in range(depth):
        value = [value]
    return value


# A value in a demand record's key: hostile text, a huge, negative or unicode number, NaN, a list or an
# object of such, something nested deeper than a record ever is.
demand_values = st.one_of(
    hostile_text,
    st.sampled_from(
        [
            10**30,
            -(10**30),
            2**63,
            -1,
            0,
            1.5,
            float("nan"),
            float("inf"),
            -float("inf"),
            1e308,
            True,
            False,
            None,
            [],
            {},
            nested(50),
            {"kind": "key_rd", "name": "²", "year": 10**30},
            {"opinion": None, "expert": ["x"], "affiliation": 1, "title": {}},
            {"funder": "x", "institution": "y", "content": "z", "amount": float("nan")},
        ]
    ),
    st.lists(hostile_text, max_size=4),
    st.dictionaries(hostile_text, hostile_text, max_size=3),
    json_values,
)


@st.composite
def demand_records(draw) -> dict:
    """The valid demand with hostile values in some keys (and some keys dropped)."""
    record = dict(VALID_DEMAND)
    for key in draw(st.lists(st.sampled_from(sorted(record)), max_size=3, unique=True)):
        record.pop(key)
    record.update(draw(st.dictionaries(st.sampled_from(DEMAND_KEYS), demand_values, min_size=1, max_size=4)))
    return record


# The elasticsearch engine is left out: without a search server it answers 503 by design.
query_params = st.fixed_dictionaries(
    {},
    optional={
        "top": st.one_of(st.sampled_from(["1", "10", "100", "101"]), hostile_text),
        "engine": st.one_of(st.just("embedded"), hostile_text.filter(lambda text: text != "elasticsearch")),
        "lang": st.one_of(st.sampled_from(["en", "zh-hans", "zh-hant", "de"]), hostile_text),
    },
)


def post_match(client, body: bytes | str, params: dict, content_type: str = "application/json"):
    query = urlencode(params)
    with rolled_back():
        response = client.generic(
            "POST", f"{MATCH}?{query}" if query else MATCH, body, content_type=content_type
        )
    assert_no_server_error(response)
    return response


@seed(SEED)
@fuzz(250)
@given(body=json_values, params=query_params)
def test_the_match_api_answers_any_json_without_a_server_error(client, small_catalogue, body, params):
    post_match(client, json.dumps(body), params)


@seed(SEED)
@fuzz(400)
@given(record=demand_records(), params=query_params)
@example(record=VALID_DEMAND, params={"top": "²"})
@example(record=VALID_DEMAND, params={"top": "9" * 30})
@example(record={**VALID_DEMAND, "days": 10**30}, params={})
def test_the_match_api_answers_hostile_demand_records_without_a_server_error(
    client, small_catalogue, record, params
):
    response = post_match(client, json.dumps(record), params)
    if response.status_code == 200:
        assert set(response.json()) == {"engine", "demand", "results"}


@seed(SEED)
@fuzz(150)
@given(body=raw_body, content_type=st.sampled_from(CONTENT_TYPES), params=query_params)
def test_the_match_api_answers_bodies_that_are_not_json_without_a_server_error(
    client, small_catalogue, body, content_type, params
):
    post_match(client, body, params, content_type=content_type)


# GET /api/v1/suggest: the typeahead's suggestions, for whatever is typed (and whatever a script sends).

SUGGEST = "/api/v1/suggest"
suggest_params = st.fixed_dictionaries(
    {},
    optional={
        "q": st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3)),
        "lang": st.one_of(st.sampled_from(["en", "zh-hans", "zh-hant", "de"]), hostile_text),
    },
)


@seed(SEED)
@fuzz(150)
@given(params=suggest_params)
@example(params={"q": "x" * 100_000})
@example(params={"q": "字" * 5_000, "lang": "zh-hans"})
@example(params={"q": "\x00 robot 慕尼"})
def test_the_suggestions_answer_any_input_without_a_server_error(client, small_catalogue, params):
    with rolled_back():
        response = client.get(SUGGEST, params)
    assert_no_server_error(response)
    if response.status_code == 200:
        assert set(response.json()) == {"query", "results"}


# The office's catalogue import (in Wagtail's admin): a JSON Lines file of hostile records, previewed, then
# applied.

IMPORT = "/admin/catalogue/import/"
WEIGHTS = [{"field": "intelligent-manufacturing", "weight": 1.0}]
IMPORT_RECORDS = [
    {"type": "field", "code": "fuzz-field", "name_zh": "模糊测试", "name_en": "Fuzzing", "synonyms": ["fuzz"],
     "parent": "intelligent-manufacturing", "priority": 1},
    {"type": "country", "code": "FZ", "name_zh": "测试国", "name_en": "Fuzzland", "region": "europe",
     "asian_or_neighbouring": False, "hotspot": False, "belt_and_road": False, "strengths": WEIGHTS},
    {"type": "institution", "external_id": "fz-inst", "name_en": "Fuzz Institute", "name_zh": "测试学院",
     "country": "DE", "city": "Munich", "kind": "university", "cooperating": True, "status": "active",
     "specialties": WEIGHTS, "description_en": "Robotics.", "description_zh": "机器人。", "languages": ["en"],
     "website": "https://example.org", "contact_email": "training@example.org", "max_group_size": 25},
    {"type": "course", "external_id": "fz-course", "institution": "de-tum", "title_en": "Robotics",
     "title_zh": "机器人", "fields": ["intelligent-manufacturing"], "days": 21, "language": "en",
     "delivery": "on-site", "summary_en": "Labs.", "summary_zh": "实验。", "premium": True},
    {"type": "evaluation", "external_id": "fz-ev", "institution": "de-tum",
     "direction": "unit_to_institution", "date": "2019-06-30", "overall": 4.5,
     "scores": {"curriculum": 5, "teaching": 4}, "group_size": 18, "days": 21, "comment": "Good."},
    {"type": "outcome", "external_id": "fz-oc", "title_zh": "成果", "title_en": "Outcome",
     "organizing_unit": "江苏省科学技术厅", "institutions": ["de-tum"],
     "fields": ["intelligent-manufacturing"], "country": "DE", "year": 2019, "summary_zh": "摘要",
     "summary_en": "Summary", "economic_benefit": "产值", "social_benefit": "人才"},
    {"type": "demand", "external_id": "fz-dm", "title": "机器人培训", "topic": "机器人", "content": "学习。",
     "fields": ["intelligent-manufacturing"], "destinations": ["DE"], "destinations_only": False, "days": 21,
     "group_size": 12, "cities": 2, "category": "professional", "organizing_unit": "江苏省科学技术厅"},
]  # fmt: skip


# Values at the edge of what a record may hold: the largest numbers, dates and texts a key might take.
EDGE_VALUES = [
    2**31 - 1,
    2**31,
    2**63 - 1,
    2**63,
    32767,
    32768,
    0,
    1,
    5,
    5.0,
    1e-300,
    "9999-12-31",
    "0001-01-01",
    "x" * 255,
    "字" * 255,
    "x" * 256,
    "https://例子.测试/²",
    "xn--fsq.com",
    [],
    ["intelligent-manufacturing", "intelligent-manufacturing"],
]


@st.composite
def import_records(draw) -> dict:
    """A valid record of some type with edge or hostile values in some keys (and some keys dropped)."""
    record = dict(draw(st.sampled_from(IMPORT_RECORDS)))
    keys = sorted(record)
    if draw(st.booleans()):
        return {
            **record,
            **draw(st.dictionaries(st.sampled_from(keys), st.sampled_from(EDGE_VALUES), max_size=2)),
        }
    for key in draw(st.lists(st.sampled_from(keys), max_size=2, unique=True)):
        record.pop(key)
    record.update(draw(st.dictionaries(st.sampled_from(keys), demand_values, max_size=3)))
    return record


import_lines = st.one_of(
    import_records().map(json.dumps),
    json_values.map(json.dumps),
    st.sampled_from(["", "# a comment", "{", "\x00", "[]", "null", '{"type": "field"}', "\ufeff{}"]),
    ANY_TEXT,
)


def joined(lines: list[str]) -> bytes:
    return "\n".join(lines).encode()


# Files of records only (the preview may offer to apply them), files with other lines among the records,
# and bodies that are not JSON Lines at all.
catalogue_files = st.one_of(
    st.lists(import_records().map(json.dumps), min_size=1, max_size=3).map(joined),
    st.lists(import_records().map(json.dumps), min_size=1, max_size=3).map(joined),
    st.lists(import_lines, min_size=1, max_size=5).map(joined),
    raw_body,
)


@pytest.fixture
def office(people) -> None:
    activate_totp(people["olivia"])


@seed(SEED)
@fuzz(60)
@given(data=st.data())
def test_a_catalogue_import_never_fails_with_a_server_error(
    client, people, small_catalogue, office, django_capture_on_commit_callbacks, data
):
    """The office uploads a file, the worker checks it, the office applies what the preview shows and the
    worker imports it (three examples in four); institution staff may not import. The tasks the requests
    queue run as the worker would run them, after the request."""
    role = data.draw(st.sampled_from(["olivia", "olivia", "olivia", "anna"]), label="role")
    content = data.draw(catalogue_files, label="file")
    name = data.draw(
        st.sampled_from(["catalogue.jsonl"] * 3 + ["CATALOGUE.JSONL", "x.json", "²①.jsonl"]), label="name"
    )
    note(f"HYPOTHESIS_SEED={SEED}")
    with rolled_back():
        client.force_login(people[role])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})
        assert_no_server_error(response)
        if response.status_code == 302 and response["Location"].startswith(IMPORT):
            page = response["Location"]
            assert_no_server_error(client.get(page))
            with django_capture_on_commit_callbacks(execute=True):
                assert_no_server_error(client.post(page))
            response = client.get(page)
            event(f"upload {response.context['upload'].status}")
    assert_no_server_error(response)
