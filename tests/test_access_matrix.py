"""Who may view and who may change what: a matrix over every page the accounts, demand board and
negotiation issue adds, for seven people (a visitor, staff of institutions A and B, members of units X and
Y, an expert, an office reviewer), then the places a private demand could leak through: lists, counts,
facets, search, the dashboard, notifications, matches and the match API.

Forbidden is 403 or 404 (a visitor may instead be sent to sign in), and a forbidden POST changes nothing."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import PIL.Image
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import override_settings
from django.utils import timezone

from catalog.models import Evaluation, Institution, InstitutionStaff, StaffInvitation
from matching.choices import InquiryStatus, Side
from matching.models import (
    Demand,
    ExpertReview,
    Inquiry,
    InquiryMessage,
    LogEntry,
    Notification,
    Proposal,
    TrainingGroup,
    UnitMembership,
)
from matching.services.negotiation import move_status, open_inquiry, propose
from matching.services.outcomes import submit_outcome
from matching.services.training import open_training_group
from matching.storage import public_name
from tests.conftest import build_people, build_small_catalogue
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db

ROLES = ("anon", "anna", "bruno", "xu", "yang", "eve", "olivia")
PREFIX = "/zh-hans"  # the matrix runs in the default language; the other is spot-checked below
OTHER_PREFIX = "/en"

# Outcomes in the matrix.
OK = "ok"  # 200, or a redirect elsewhere than the sign-in page; an allowed POST makes its change
NO = "no"  # 403 or 404 (a visitor may be sent to sign in instead); nothing changes
KEPT = "kept"  # 200 with a page that says why not (sign in first; a rule refuses); nothing changes

REVIEW = {"opinion": "必要且可行。", "expert": "王教授", "affiliation": "南京大学", "title": "教授"}

# Each demand's title, and a phrase in its content that must never show where the demand may not.
TITLES = {
    "x-public": "公开的机器人培训",
    "x-registered": "注册用户可见的机器人培训",
    "x-private": "保密的机器人培训",
    "x-draft": "草稿中的机器人培训",
    "y-private": "山东保密的农业机器人培训",
}
SECRETS = {external_id: f"SECRET-CONTENT-{external_id.upper()}" for external_id in TITLES}
ALL = set(TITLES)

# The demands each person may see (Demand.objects.visible_to).
SEES = {
    "anon": {"x-public"},
    "anna": {"x-public", "x-registered"},
    "bruno": {"x-public", "x-registered"},
    "xu": {"x-public", "x-registered", "x-private", "x-draft"},
    "yang": {"x-public", "x-registered", "y-private"},
    "eve": {"x-public", "x-registered"},
    "olivia": ALL,
}
# The demands each person's unit owns (Demand.objects.editable_by).
OWNS = {"xu": {"x-public", "x-registered", "x-private", "x-draft"}, "yang": {"y-private"}}

THREAD_MESSAGE = "THREAD-MESSAGE 请介绍贵校的工业4.0培训项目。"
PROPOSAL_OUTLINE = "PROPOSAL-OUTLINE week 1 digital production, week 2 robotics labs"
NOTE_FOR_XU = "NOTE-FOR-XU 只给徐的通知"


def make_demand(unit, external_id: str, *, status="published", visibility="public") -> Demand:
    """A demand that passes every policy rule, so publishing and saving it succeed."""
    return Demand.objects.create(
        organizing_unit=unit,
        external_id=external_id,
        title=TITLES[external_id],
        topic="工业机器人",
        content=f"学习德国机器人应用经验。{SECRETS[external_id]}",
        days=21,
        group_size=12,
        cities=1,
        category="professional",
        participants_max_age=50,
        participants_min_years_to_retirement=8,
        special_project_stated=True,
        special_project=None,
        expert_review=REVIEW,
        organizer_level="provincial",
        status=status,
        visibility=visibility,
        published_at=timezone.now() if status == "published" else None,
    )


def proposal_terms() -> dict:
    start = timezone.localdate() + datetime.timedelta(days=60)
    return {
        "outline": PROPOSAL_OUTLINE,
        "start_date": start,
        "end_date": start + datetime.timedelta(days=20),
        "cities": "Munich, Stuttgart",
        "price_per_person": Decimal("4800.00"),
        "currency": "EUR",
        "language": "en",
    }


def build_world(small_catalogue: dict, people: dict) -> dict:
    """Unit X's demands (published public, published for registered users, private, draft) and unit Y's
    private one; a thread between X's public demand and TUM with a message and a proposal; Eve's
    invitation to review X's private demand; a notification for Xu; Zhao waiting to join unit X; Carl on
    TUM's staff (for the office to remove); an invitation for Eve to join Wageningen's staff.
    Returns what the URLs and forms of the matrix are filled in with."""
    activate_totp(people["olivia"])
    tum, wur = small_catalogue["tum"], small_catalogue["wur"]
    x, y = people["unit_x"], people["unit_y"]
    demands = [
        make_demand(x, "x-public"),
        make_demand(x, "x-registered", visibility="registered"),
        make_demand(x, "x-private", visibility="private"),
        make_demand(x, "x-draft", status="draft"),
        make_demand(y, "y-private", visibility="private"),
    ]
    for demand in demands:
        demand.fields.set([small_catalogue["fields"]["manufacturing"]])
        demand.destinations.set([small_catalogue["countries"]["DE"]])
    inquiry = open_inquiry(demands[0], tum, by=people["xu"], text=THREAD_MESSAGE, side=Side.UNIT)
    propose(inquiry, by=people["anna"], **proposal_terms())
    review = ExpertReview.objects.create(
        demand=demands[2], email=people["eve"].email, invited_by=people["xu"]
    )
    Notification.objects.create(user=people["xu"], text_zh=NOTE_FOR_XU, text_en=NOTE_FOR_XU, url="/zh-hans/")

    def person(name: str):
        user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw")
        user.emailaddress_set.create(email=user.email, verified=True, primary=True)
        return user

    zhao = UnitMembership.objects.create(user=person("zhao"), unit=x)
    carl = InstitutionStaff.objects.create(user=person("carl"), institution=tum)
    invitation = StaffInvitation.objects.create(
        institution=wur, email=people["eve"].email, invited_by=people["bruno"]
    )
    return {
        "inquiry": inquiry.pk,
        "review": review.pk,
        "review_token": review.token,
        "membership": zhao.pk,
        "staff": carl.pk,
        "invitation": invitation.pk,
        "invitation_token": invitation.token,
        "tum": tum.pk,
        "wur": wur.pk,
    }


def build_training_world(small_catalogue: dict, people: dict, world: dict | None = None) -> dict:
    """The world, and two agreements: X's registered demand with TUM, trained (it ended a week ago) and
    not rated yet; X's private demand with Wageningen, its group not opened yet."""
    world = world or build_world(small_catalogue, people)
    tum, wur = small_catalogue["tum"], small_catalogue["wur"]
    demands = {demand.external_id: demand for demand in Demand.objects.all()}
    agreed = open_inquiry(demands["x-registered"], tum, by=people["xu"], text=THREAD_MESSAGE, side=Side.UNIT)
    propose(agreed, by=people["anna"], **proposal_terms())
    agreed = move_status(agreed, InquiryStatus.AGREED, by=people["xu"])
    # X's private demand agreed with Wageningen, its group not opened yet.
    to_open = open_inquiry(demands["x-private"], wur, by=people["xu"], text=THREAD_MESSAGE, side=Side.UNIT)
    propose(to_open, by=people["bruno"], **proposal_terms())
    to_open = move_status(to_open, InquiryStatus.AGREED, by=people["xu"])
    today = timezone.localdate()
    group = open_training_group(
        agreed,
        by=people["xu"],
        start_date=today - datetime.timedelta(days=20),
        end_date=today - datetime.timedelta(days=7),
        cities="Munich",
        participants=12,
        leader_name="王组长",
    )
    return {
        **world,
        "to_open": to_open.pk,
        "group": group.pk,
        "unit_token": group.unit_token,
        "institution_token": group.institution_token,
        "log_date": (today - datetime.timedelta(days=10)).isoformat(),
    }


# The worlds as function fixtures, each built on the one below it, for the modules that walk them (the fuzz
# test, the accessibility and interface-language crawls). The classes below build theirs once instead.


@pytest.fixture
def world(people, small_catalogue) -> dict:
    return build_world(small_catalogue, people)


@pytest.fixture
def training_world(world, people, small_catalogue) -> dict:
    return build_training_world(small_catalogue, people, world)


@pytest.fixture
def planning_world(training_world, people, small_catalogue) -> dict:
    return build_planning_world(small_catalogue, people, training_world)


@pytest.fixture
def alert_world(world, people, small_catalogue) -> dict:
    return build_alert_world(small_catalogue, people, world)


@pytest.fixture
def expert_world(world, people, small_catalogue) -> dict:
    return build_expert_world(small_catalogue, people, world)


@pytest.fixture(scope="class")
def built_once(request, django_db_setup, django_db_blocker):
    """The small catalogue, the people and the world of the class (`build`), made once in a transaction that
    is rolled back after the class's last case. Each case runs in pytest-django's own atomic block, a
    savepoint on top of it, so what one case writes the next does not see."""
    for name in request.cls.built_under:
        request.getfixturevalue(name)
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            catalogue = build_small_catalogue()
            named = build_people(catalogue)
            built = request.cls.build(catalogue, named)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield {"small_catalogue": catalogue, "people": named, "world": built}
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def refetched(value):
    """The same records read again from the database (and the dicts and lists that hold them made anew), so
    that a case's changes to what it was given stay in that case."""
    if isinstance(value, dict):
        return {key: refetched(item) for key, item in value.items()}
    if isinstance(value, list):
        return [refetched(item) for item in value]
    if isinstance(value, models.Model):
        return type(value)._default_manager.get(pk=value.pk)
    return value


class BuiltOnce:
    """The cases of a class share one world, built once by `build(small_catalogue, people)` (built_once);
    each case gets its records read anew and starts with empty caches, as after building them itself."""

    build = staticmethod(build_world)
    built_under: tuple[str, ...] = ()  # class-scoped fixtures the world needs in place, such as settings

    @pytest.fixture(autouse=True)
    def empty_caches(self, built_once, db):
        from catalog.cache import stamped_cache

        # The catalogue's stamp and what hangs on it outlive a savepoint's rollback.
        cache.clear()
        stamped_cache().clear()

    @pytest.fixture
    def small_catalogue(self, built_once, db) -> dict:
        return refetched(built_once["small_catalogue"])

    @pytest.fixture
    def people(self, built_once, db) -> dict:
        return refetched(built_once["people"])

    @pytest.fixture
    def world(self, built_once, db) -> dict:
        return refetched(built_once["world"])


def snapshot() -> dict:
    """Everything a POST in the matrix could change, by the name a row's `changes` refers to."""
    return {
        "demands": sorted(Demand.objects.values_list("external_id", "status", "title", "visibility")),
        "inquiries": sorted(Inquiry.objects.values_list("pk", "demand_id", "institution_id", "status")),
        "messages": InquiryMessage.objects.count(),
        "proposals": Proposal.objects.count(),
        "reviews": sorted(ExpertReview.objects.values_list("pk", "email", "signed_at", "cancelled_at")),
        "memberships": sorted(UnitMembership.objects.values_list("user_id", "unit_id", "confirmed_at")),
        "staff": sorted(InstitutionStaff.objects.values_list("user_id", "institution_id")),
        "invitations": sorted(
            StaffInvitation.objects.values_list(
                "pk", "institution_id", "email", "accepted_at", "cancelled_at"
            )
        ),
        "institutions": sorted(Institution.objects.values_list("pk", "status")),
        "evaluations": sorted(Evaluation.objects.values_list("external_id", "overall")),
        "log": LogEntry.objects.count(),
        "groups": TrainingGroup.objects.count(),
    }


# What the forms of the matrix send.

SUSPEND = {"to_status": "suspended", "reason": "Repeated complaints about the programme."}

DEMAND_FORM = {
    "title": "EDITED 智能制造与工业4.0培训",
    "topic": "数字化工厂与机器人应用",
    "content": "学习德国工业4.0经验，国内无法解决。",
    "fields": ["intelligent-manufacturing"],
    "category": "professional",
    "destinations": ["DE"],
    "days": "21",
    "cities": "1",
    "group_size": "12",
    "participants_max_age": "50",
    "participants_min_years_to_retirement": "8",
    "special_project_kind": "none",
    "backbone_plan": "",
    "organizer_level": "provincial",
    "visibility": "public",
    "action": "save",
}
PRIVATE_DEMAND_FORM = {**DEMAND_FORM, "visibility": "private"}
SIGNED_OPINION = {"name": "王建国", "affiliation": "南京大学", "title": "教授", "opinion": "建议支持。"}
MESSAGE = {"text": "A question from the matrix."}
PROPOSAL = {key: str(value) for key, value in proposal_terms().items()}
INVITE_EXPERT = {"email": "wang@example.org"}
INVITE_STAFF = {"email": "new.colleague@example.org", "institution": "{wur}"}
GROUP_RATES_INSTITUTION = {"curriculum": "5", "teaching": "5", "organisation": "5", "logistics": "5",
                           "usefulness": "5"}  # fmt: skip
INSTITUTION_RATES_GROUP = {"attendance": "4", "preparation": "4", "engagement": "4"}
OPEN_GROUP = {"start_date": "2027-04-05", "end_date": "2027-04-25", "cities": "Wageningen",
              "participants": "12", "leader_name": "王组长"}  # fmt: skip
LOG_ENTRY = {"date": "{log_date}", "place": "Munich", "content": "Plant visit", "hours": "6"}


@dataclass(frozen=True)
class Row:
    """One URL: the outcome of a GET and of a POST for each role (in ROLES order), what the POST sends and
    which part of the snapshot an allowed POST changes (None: it changes nothing, e.g. a check)."""

    name: str
    path: str
    get: str | None = None
    post: str | None = None
    data: dict = field(default_factory=dict)
    changes: str | None = None


# fmt: off
ROWS = [
    # The board and the "find institutions" page are open to all; the match API is below, with the leaks.
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("board", "/demands/",
        get=" ok    ok    ok    ok    ok    ok    ok"),
    Row("find", "/find/?text=机器人培训&fields=intelligent-manufacturing",
        get=" ok    ok    ok    ok    ok    ok    ok"),
    # The site-wide search: open to all; what each reader may see of it is tested with the leaks below.
    Row("site-search", "/search/?q=机器人培训",
        get=" ok    ok    ok    ok    ok    ok    ok"),
    # Demands: each page for each demand, and the unit's own list (empty for those without a unit).
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("demand-detail-x-public", "/demands/x-public/",
        get=" ok    ok    ok    ok    ok    ok    ok"),
    Row("demand-detail-x-registered", "/demands/x-registered/",
        get=" no    ok    ok    ok    ok    ok    ok"),
    Row("demand-detail-x-private", "/demands/x-private/",
        get=" no    no    no    ok    no    no    ok"),
    Row("demand-detail-x-draft", "/demands/x-draft/",
        get=" no    no    no    ok    no    no    ok"),
    Row("demand-detail-y-private", "/demands/y-private/",
        get=" no    no    no    no    ok    no    ok"),
    Row("demand-mine", "/demands/mine/",
        get=" no    ok    ok    ok    ok    ok    ok"),
    # Changing demands: only confirmed members of the demand's unit; the office reads but does not edit.
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("demand-create", "/demands/new/", data=DEMAND_FORM, changes="demands",
        get=" no    no    no    ok    ok    no    no",
        post="no    no    no    ok    ok    no    no"),
    Row("demand-check", "/demands/check/", data=DEMAND_FORM,
        post="no    no    no    ok    ok    no    no"),
    Row("demand-check-x-private", "/demands/check/?demand=x-private", data=DEMAND_FORM,
        post="no    no    no    ok    no    no    no"),
    Row("demand-edit-x-public", "/demands/x-public/edit/", data=DEMAND_FORM, changes="demands",
        get=" no    no    no    ok    no    no    no",
        post="no    no    no    ok    no    no    no"),
    Row("demand-edit-y-private", "/demands/y-private/edit/", data=PRIVATE_DEMAND_FORM, changes="demands",
        get=" no    no    no    no    ok    no    no",
        post="no    no    no    no    ok    no    no"),
    Row("demand-publish-x-draft", "/demands/x-draft/publish/", changes="demands",
        post="no    no    no    ok    no    no    no"),
    Row("demand-withdraw-x-public", "/demands/x-public/withdraw/", changes="demands",
        post="no    no    no    ok    no    no    no"),
    Row("demand-withdraw-y-private", "/demands/y-private/withdraw/", changes="demands",
        post="no    no    no    no    ok    no    no"),
    # Expert review: the unit invites and cancels; the link in Eve's email is what lets its holder read and
    # sign (the demand's own unit may not review it, a visitor is asked to sign in first).
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("review-invite", "/demands/x-private/reviews/invite/", data=INVITE_EXPERT, changes="reviews",
        get=" no    no    no    ok    no    no    no",
        post="no    no    no    ok    no    no    no"),
    Row("review-cancel", "/demands/x-private/reviews/{review}/cancel/", changes="reviews",
        post="no    no    no    ok    no    no    no"),
    Row("review-sign", "/reviews/{review_token}/", data=SIGNED_OPINION, changes="reviews",
        get=" ok    ok    ok    ok    ok    ok    ok",
        post="kept  kept  kept  kept  kept  ok    kept"),
    # Negotiation: the thread of X's public demand with TUM is X's and TUM's; the office reads, never acts.
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("inquiry-list", "/inquiries/",
        get=" no    ok    ok    ok    ok    no    ok"),
    Row("inquiry-detail", "/inquiries/{inquiry}/",
        get=" no    ok    no    ok    no    no    ok"),
    Row("inquiry-reply", "/inquiries/{inquiry}/reply/", data=MESSAGE, changes="messages",
        post="no    ok    no    ok    no    no    no"),
    Row("inquiry-propose", "/inquiries/{inquiry}/propose/", data=PROPOSAL, changes="proposals",
        post="no    ok    no    ok    no    no    no"),
    Row("inquiry-status", "/inquiries/{inquiry}/status/", data={"to": "declined"}, changes="inquiries",
        post="no    ok    no    ok    no    no    no"),
    Row("contact-institution", "/demands/x-public/contact/nl-wur/", data=MESSAGE, changes="inquiries",
        get=" no    no    no    ok    no    no    no",
        post="no    no    no    ok    no    no    no"),
    Row("contact-institution-x-private", "/demands/x-private/contact/de-tum/",
        data=MESSAGE, changes="inquiries",
        get=" no    no    no    ok    no    no    no",
        post="no    no    no    ok    no    no    no"),
    Row("express-interest", "/institution/demands/x-registered/interest/", data=MESSAGE, changes="inquiries",
        get=" no    ok    ok    no    no    no    no",
        post="no    ok    ok    no    no    no    no"),
    Row("express-interest-x-private", "/institution/demands/x-private/interest/",
        data=MESSAGE, changes="inquiries",
        get=" no    no    no    no    no    no    no",
        post="no    no    no    no    no    no    no"),
    Row("express-interest-x-draft", "/institution/demands/x-draft/interest/",
        data=MESSAGE, changes="inquiries",
        get=" no    no    no    no    no    no    no",
        post="no    no    no    no    no    no    no"),
    Row("reverse-matches", "/institution/demands/",
        get=" no    ok    ok    no    no    no    no"),
    Row("notifications", "/notifications/",
        get=" no    ok    ok    ok    ok    ok    ok"),
    # Accounts: the dashboard, unit membership (Zhao waits to join X), institution staff and invitations.
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("dashboard", "/dashboard/",
        get=" no    ok    ok    ok    ok    ok    ok"),
    Row("unit-join", "/unit/join/",
        get=" no    ok    ok    ok    ok    ok    ok"),
    Row("unit-member-confirm", "/unit/members/{membership}/confirm/", changes="memberships",
        post="no    no    no    ok    no    no    ok"),
    Row("unit-member-decline", "/unit/members/{membership}/decline/", changes="memberships",
        post="no    no    no    ok    no    no    ok"),
    Row("staff-invitations", "/institution/staff/", data=INVITE_STAFF, changes="invitations",
        get=" no    ok    ok    no    no    no    ok",
        post="no    ok    ok    no    no    no    ok"),
    Row("staff-remove", "/institution/staff/{staff}/remove/", changes="staff",
        post="no    no    no    no    no    no    ok"),
    Row("staff-invitation-cancel", "/institution/invitations/{invitation}/cancel/", changes="invitations",
        post="no    no    ok    no    no    no    ok"),
    Row("staff-invitation-accept", "/invitations/{invitation_token}/", changes="staff",
        get=" ok    no    no    no    no    ok    no",
        post="kept  no    no    no    no    ok    no"),
    # Admission and exit: the office alone decides an institution's status.
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("office-institutions", "/office/institutions/",
        get=" no    no    no    no    no    no    ok"),
    Row("office-quality", "/office/quality/",
        get=" no    no    no    no    no    no    ok"),
    Row("office-institution-status", "/office/institutions/{tum}/status/", data=SUSPEND,
        changes="institutions",
        get=" no    no    no    no    no    no    ok",
        post="no    no    no    no    no    no    ok"),
    # Open data: the public catalogue is anyone's to download.
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("open-data", "/open-data/",
        get=" ok    ok    ok    ok    ok    ok    ok"),
    Row("open-data-jsonl", "/open-data/catalogue.jsonl",
        get=" ok    ok    ok    ok    ok    ok    ok"),
    Row("open-data-csv", "/open-data/institutions.csv",
        get=" ok    ok    ok    ok    ok    ok    ok"),
    Row("quality-label", "/quality-label/",
        get=" ok    ok    ok    ok    ok    ok    ok"),
]

TRAINING_ROWS = [
    # The training group of X's registered demand at TUM: both sides and the office read it; each side
    # prints only its own evaluation code; a link may be used by anyone holding it (the group's phones),
    # but never by a signed-in person of the other side.
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("training-open", "/inquiries/{to_open}/training-group/", data=OPEN_GROUP, changes="groups",
        get=" no    no    no    ok    no    no    no",
        post="no    no    no    ok    no    no    no"),
    Row("training-group", "/training-groups/{group}/",
        get=" no    ok    no    ok    no    no    ok"),
    Row("training-log-add", "/training-groups/{group}/log/", data=LOG_ENTRY, changes="log",
        post="no    ok    no    ok    no    no    no"),
    Row("training-log-export", "/training-groups/{group}/log.csv",
        get=" no    ok    no    ok    no    no    ok"),
    Row("training-qr", "/training-groups/{group}/qr/",
        get=" no    ok    no    ok    no    no    no"),
    Row("training-evaluate-unit", "/evaluate/{unit_token}/", data=GROUP_RATES_INSTITUTION,
        changes="evaluations",
        get=" ok    no    ok    ok    ok    ok    ok",
        post="ok    no    ok    ok    ok    ok    ok"),
    Row("training-evaluate-institution", "/evaluate/{institution_token}/", data=INSTITUTION_RATES_GROUP,
        changes="evaluations",
        get=" ok    ok    ok    no    ok    ok    ok",
        post="ok    ok    ok    no    ok    ok    ok"),
]
# fmt: on


def expectations(line: str, roles=ROLES) -> dict[str, str]:
    outcomes = line.split()
    assert len(outcomes) == len(roles) and set(outcomes) <= {OK, NO, KEPT}, line
    return dict(zip(roles, outcomes, strict=True))


def cases(rows=ROWS, methods=("GET", "POST"), prefix=PREFIX, roles=ROLES):
    for row in rows:
        for method in methods:
            line = row.get if method == "GET" else row.post
            if line is None:
                continue
            for role, expected in expectations(line, roles).items():
                language = "" if prefix == PREFIX else f"-{prefix.strip('/')}"
                yield pytest.param(
                    row, role, method, expected, prefix, id=f"{row.name}-{role}-{method}{language}"
                )


def filled(value, world: dict):
    """A path or a form value with the world's keys filled in."""
    if isinstance(value, str):
        return value.format(**world)
    if isinstance(value, dict):
        return {key: filled(item, world) for key, item in value.items()}
    return value


def request(client, people, world, row: Row, role: str, method: str, prefix: str):
    if role != "anon":
        client.force_login(people[role])
    url = prefix + filled(row.path, world)
    if method == "GET":
        return client.get(url)
    return client.post(url, filled(row.data, world))


def assert_outcome(response, expected: str, role: str, method: str, row: Row, before: dict, after: dict):
    status = response.status_code
    to_sign_in = status == 302 and "/accounts/login/" in response.get("Location", "")
    if expected == OK:
        assert status == 200 or (status == 302 and not to_sign_in), (status, response.get("Location"))
        if method == "POST" and row.changes:
            assert before[row.changes] != after[row.changes], f"an allowed POST did not change {row.changes}"
            return
    elif expected == NO:
        assert status in (403, 404) or (role == "anon" and to_sign_in), (status, response.get("Location"))
    else:
        assert status == 200, status
    assert before == after, "a request that may not change anything changed something"


class TestAccess(BuiltOnce):
    """The matrix, on one world."""

    @pytest.mark.parametrize("row, role, method, expected, prefix", list(cases()))
    def test_access(self, client, people, world, row, role, method, expected, prefix):
        before = snapshot()
        response = request(client, people, world, row, role, method, prefix)
        assert_outcome(response, expected, role, method, row, before, snapshot())
        if expected == NO:
            # Refused pages say nothing of a demand's content either.
            body = response.content.decode()
            assert not [secret for secret in SECRETS.values() if secret in body]


class TestAccessToTrainingGroups(BuiltOnce):
    """The training rows, on one training world."""

    build = staticmethod(build_training_world)

    @pytest.mark.parametrize("row, role, method, expected, prefix", list(cases(TRAINING_ROWS)))
    def test_access_to_training_groups(self, client, people, world, row, role, method, expected, prefix):
        before = snapshot()
        response = request(client, people, world, row, role, method, prefix)
        assert_outcome(response, expected, role, method, row, before, snapshot())


# The other language: the same answers for the pages that guard private things.

SPOT_CHECKED = {
    "demand-detail-x-registered",
    "demand-detail-x-private",
    "demand-detail-y-private",
    "demand-edit-x-public",
    "inquiry-detail",
    "express-interest-x-private",
    "reverse-matches",
    "staff-invitations",
    "staff-invitation-accept",
}


class TestAccessInTheOtherLanguage(BuiltOnce):
    """The spot checks in the other language, on one world."""

    @pytest.mark.parametrize(
        "row, role, method, expected, prefix",
        list(cases([row for row in ROWS if row.name in SPOT_CHECKED], methods=("GET",), prefix=OTHER_PREFIX)),
    )
    def test_access_in_the_other_language(self, client, people, world, row, role, method, expected, prefix):
        before = snapshot()
        response = request(client, people, world, row, role, method, prefix)
        assert_outcome(response, expected, role, method, row, before, snapshot())


def test_the_matrix_covers_every_url_of_the_issue():
    """A URL added to the account, demand or negotiation pages without a row here fails this test."""
    from catalog import urls as catalog_urls
    from matching import urls as matching_urls

    names = {
        pattern.name
        for patterns in (
            catalog_urls.urlpatterns,
            matching_urls.unit_urlpatterns,
            matching_urls.demand_urls,
            matching_urls.negotiation_urls,
            matching_urls.training_urls,
        )
        for pattern in patterns
    }
    rows = {row.name for row in [*ROWS, *TRAINING_ROWS]}
    # A URL is covered by the row of its name or by rows named after it (one per demand, say).
    uncovered = {name for name in names if not any(r == name or r.startswith(f"{name}-") for r in rows)}
    assert not uncovered


# Files for crawlers and programs, outside the language prefix: anyone's.

# fmt: off
SITE_ROWS = [
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("sitemap", "/sitemap.xml",
        get=" ok    ok    ok    ok    ok    ok    ok"),
    Row("robots", "/robots.txt",
        get=" ok    ok    ok    ok    ok    ok    ok"),
    Row("api-docs", "/api/v1/docs",
        get=" ok    ok    ok    ok    ok    ok    ok"),
    Row("api-suggest", "/api/v1/suggest?q=tum",
        get=" ok    ok    ok    ok    ok    ok    ok"),
]
# fmt: on


class TestSiteFileAccess(BuiltOnce):
    """The files for crawlers and programs, on one world."""

    @pytest.mark.parametrize("row, role, method, expected, prefix", list(cases(SITE_ROWS, prefix="")))
    def test_site_file_access(self, client, people, world, row, role, method, expected, prefix):
        before = snapshot()
        response = request(client, people, world, row, role, method, prefix)
        assert_outcome(response, expected, role, method, row, before, snapshot())


# The files of an outcome not yet published: its unit and the office fetch them, nobody else; they are not
# under /media/ at all, which the web server serves to anyone. Once published, they are public.


@dataclass(frozen=True)
class Served:
    status_code: int


def fetch(client, url: str):
    """A GET as production answers it: /media/ is the web server's, which serves every file under
    MEDIA_ROOT without asking who wants it; everything else is the portal's."""
    if url.startswith(settings.MEDIA_URL):
        return Served(
            200 if (Path(settings.MEDIA_ROOT) / url.removeprefix(settings.MEDIA_URL)).is_file() else 404
        )
    return client.get(url)


@pytest.fixture
def fresh_media(settings, tmp_path) -> None:
    """Empty upload folders, so that what is found there is this test's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(scope="class")
def class_media(tmp_path_factory):
    """Empty upload folders for the cases of a class, made before its world."""
    root = tmp_path_factory.mktemp("class-media")
    with override_settings(MEDIA_ROOT=root / "media", PRIVATE_MEDIA_ROOT=root / "private"):
        yield


@pytest.fixture
def draft_outcome(fresh_media, people, small_catalogue) -> dict:
    return build_draft_outcome(small_catalogue, people)


def build_draft_outcome(small_catalogue: dict, people: dict) -> dict:
    """Unit X's outcome, sent by Xu with a photograph and a report and not yet published, and the office's
    preview of it (which makes an image rendition)."""
    cache.clear()  # Wagtail caches renditions by image id, which another test's image may have had
    activate_totp(people["olivia"])
    outcome = submit_outcome(people["unit_x"], outcome_data(small_catalogue), by=people["xu"])
    image, document = outcome.images.get().image, outcome.documents.get().document
    rendition = image.get_rendition("fill-640x400")
    return {"outcome": outcome, **outcome_file_urls(image, rendition, document)}


def outcome_data(small_catalogue) -> dict:
    photo = io.BytesIO()
    PIL.Image.new("RGB", (64, 40), (30, 120, 200)).save(photo, "PNG")
    return {
        "title_zh": "机器人产线改造成果",
        "title_en": "Robot line retrofit",
        "summary_zh": "学员回国后改造了三条产线。",
        "summary_en": "Back home the group retrofitted three production lines.",
        "economic_benefit": "产能提高20%。",
        "social_benefit": "培养了40名技术骨干。",
        "fields": [small_catalogue["fields"]["manufacturing"]],
        "country": small_catalogue["countries"]["DE"],
        "institutions": [small_catalogue["tum"]],
        "year": timezone.localdate().year,
        "images": [SimpleUploadedFile("line.png", photo.getvalue(), content_type="image/png")],
        "documents": [
            SimpleUploadedFile("report.pdf", b"%PDF-1.4\n% report\n", content_type="application/pdf")
        ],
    }


def outcome_file_urls(image, rendition, document) -> dict:
    """Where each file is fetched, and where /media/ would have it if it were kept there."""
    return {
        "image": image.file.url,
        "rendition": rendition.url,
        "document": document.url,
        "image_in_media": settings.MEDIA_URL + public_name(image.file.name),
        "rendition_in_media": settings.MEDIA_URL + public_name(rendition.file.name),
        "document_in_media": settings.MEDIA_URL + public_name(document.file.name),
        "image_in_media_as_named": settings.MEDIA_URL + image.file.name,
        "document_in_media_as_named": settings.MEDIA_URL + document.file.name,
    }


# fmt: off
DRAFT_FILE_ROWS = [
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("draft-outcome-document", "{document}",
        get=" no    no    no    ok    no    no    ok"),
    Row("draft-outcome-image", "{image}",
        get=" no    no    no    ok    no    no    ok"),
    Row("draft-outcome-rendition", "{rendition}",
        get=" no    no    no    ok    no    no    ok"),
] + [
    Row(f"draft-outcome-{name}", f"{{{name}}}",
        get=" no    no    no    no    no    no    no")
    for name in (
        "image_in_media", "rendition_in_media", "document_in_media",
        "image_in_media_as_named", "document_in_media_as_named",
    )
]
# fmt: on


class TestAccessToTheFilesOfAnOutcomeNotYetPublished(BuiltOnce):
    """The files of one draft outcome, in upload folders of the class's own."""

    build = staticmethod(build_draft_outcome)
    built_under = ("class_media",)

    @pytest.mark.parametrize(
        "row, role, method, expected, prefix", list(cases(DRAFT_FILE_ROWS, methods=("GET",)))
    )
    def test_access_to_the_files_of_an_outcome_not_yet_published(
        self, client, people, world, row, role, method, expected, prefix
    ):
        log_in(client, people, role)
        response = fetch(client, filled(row.path, world))
        status = response.status_code
        to_sign_in = status == 302 and "/accounts/login/" in response.get("Location", "")
        if expected == OK:
            assert status == 200
        else:
            assert status in (403, 404) or (role == "anon" and to_sign_in), status

    def test_a_draft_outcomes_files_are_nowhere_under_media_root(self, world):
        assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
        assert len([path for path in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if path.is_file()]) == 3


@pytest.mark.parametrize("role", ROLES)
def test_anyone_fetches_the_files_once_the_outcome_is_published(
    client, people, draft_outcome, role, django_capture_on_commit_callbacks
):
    outcome = draft_outcome["outcome"]
    task_state = outcome.current_workflow_task_state
    with django_capture_on_commit_callbacks(execute=True):
        task_state.task.specific.on_action(task_state, people["olivia"], "approve")
    outcome.refresh_from_db()
    image, document = outcome.images.get().image, outcome.documents.get().document
    urls = outcome_file_urls(image, image.get_rendition("fill-640x400"), document)

    log_in(client, people, role)
    for name in ("image", "rendition", "document"):
        assert fetch(client, urls[name]).status_code == 200, name
    assert urls["image"] == urls["image_in_media"]  # served by the web server, not through the portal
    # The private copies are gone with the old names.
    assert fetch(client, draft_outcome["image"]).status_code == 404
    assert fetch(client, draft_outcome["rendition"]).status_code == 404


# Leaks: what a person may not see never shows in lists, counts, facets, search, dashboards,
# notifications, matches or the API.


def log_in(client, people, role: str) -> None:
    if role != "anon":
        client.force_login(people[role])


def listed(response) -> set[str]:
    return {demand.external_id for demand in response.context["page_obj"]}


def assert_not_named(html: str, hidden: set[str]) -> None:
    """None of these demands is named, linked or quoted in the page."""
    shown = [d for d in hidden if TITLES[d] in html or f"/demands/{d}/" in html or SECRETS[d] in html]
    assert not shown, f"shown: {shown}"


# The office's synonym suggestions live in the Wagtail admin, which answers those it refuses as it answers
# for its other pages (a redirect to its sign-in or its home page): only the office gets the page, and
# nobody else's POST changes anything.
SUGGESTION_URLS = [
    ("GET", "/admin/taxonomy/suggestions/?status=pending", {}),
    ("POST", "/admin/taxonomy/suggestions/compute/", {}),
    ("POST", "/admin/taxonomy/suggestions/{suggestion}/", {"decision": "accept"}),
]


class TestLeaks(BuiltOnce):
    """What each reader may not see, looked for on one world."""

    @pytest.mark.parametrize("role", ROLES)
    def test_the_board_lists_counts_and_facets_only_what_the_reader_may_see(
        self, client, people, world, role
    ):
        log_in(client, people, role)
        response = client.get(f"{PREFIX}/demands/")
        assert listed(response) == SEES[role]
        assert response.context["paginator"].count == len(SEES[role])
        # Every demand has one field, destination, category, days range and status: each facet adds up to
        # exactly what the reader may see.
        for facet in response.context["filter"].facet_options():
            assert sum(option["count"] for option in facet["options"]) == len(SEES[role]), facet["name"]
        assert_not_named(response.content.decode(), ALL - SEES[role])

    @pytest.mark.parametrize("role", ROLES)
    def test_the_boards_text_search_finds_only_what_the_reader_may_see(self, client, people, world, role):
        log_in(client, people, role)
        for external_id, title in TITLES.items():
            for query in (title, SECRETS[external_id]):
                response = client.get(f"{PREFIX}/demands/", {"q": query})
                found = listed(response)
                assert found <= SEES[role], query
                assert (external_id in found) == (external_id in SEES[role]), query
                assert response.context["paginator"].count == len(found)
                # The search box repeats the query, so a hidden demand shows here only as a result or a link.
                html = response.content.decode()
                assert not [
                    d for d in ALL - SEES[role] if f'data-demand="{d}"' in html or f"/demands/{d}/" in html
                ]

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("method, path, data", SUGGESTION_URLS)
    def test_only_the_office_reaches_the_synonym_suggestions(
        self, client, people, world, role, method, path, data
    ):
        from catalog.models import Field
        from search.models import SynonymSuggestion

        field = Field.objects.get(code="intelligent-manufacturing")
        suggestion = SynonymSuggestion.objects.create(
            field=field, term="cobot", language="en", score=20, evidence=3
        )
        log_in(client, people, role)
        url = path.format(suggestion=suggestion.pk)
        response = client.get(url) if method == "GET" else client.post(url, data)
        suggestion.refresh_from_db()
        if role == "olivia":
            assert response.status_code == (200 if method == "GET" else 302)
            return
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or not response["Location"].startswith("/admin/taxonomy/")
        assert suggestion.status == "pending" and "cobot" not in Field.objects.get(pk=field.pk).synonyms

    @pytest.mark.parametrize("role", ROLES)
    def test_the_site_search_finds_only_published_demands_the_reader_may_see(
        self, client, people, world, role
    ):
        log_in(client, people, role)
        published = {d for d in SEES[role] if d != "x-draft"}
        for external_id, title in TITLES.items():
            for query in (title, SECRETS[external_id]):
                html = client.get(f"{PREFIX}/search/", {"q": query, "kind": "demands"}).content.decode()
                shown = {d for d in ALL if f"/demands/{d}/" in html}
                assert shown <= published, query
                assert (external_id in shown) == (external_id in published), query

    @pytest.mark.parametrize("role", ROLES)
    def test_my_units_list_holds_the_units_demands_only(self, client, people, world, role):
        log_in(client, people, role)
        response = client.get(f"{PREFIX}/demands/mine/")
        if role == "anon":
            assert response.status_code == 302
            return
        assert listed(response) == OWNS.get(role, set())
        assert response.context["paginator"].count == len(OWNS.get(role, set()))
        assert_not_named(response.content.decode(), ALL - SEES[role])

    @pytest.mark.parametrize("role", [role for role in ROLES if role != "anon"])
    def test_the_dashboard_names_no_demand_the_reader_may_not_see(self, client, people, world, role):
        log_in(client, people, role)
        html = client.get(f"{PREFIX}/dashboard/").content.decode()
        # Eve was asked to review X's private demand: her invitation names it, and links to the review.
        may_see = SEES[role] | ({"x-private"} if role == "eve" else set())
        assert_not_named(html, ALL - may_see)
        if role == "eve":
            assert TITLES["x-private"] in html and f"/reviews/{world['review_token']}/" in html

    @pytest.mark.parametrize("role", [role for role in ROLES if role != "anon"])
    def test_notifications_and_their_count_are_the_readers_own(self, client, people, world, role):
        log_in(client, people, role)
        own_unread = Notification.objects.filter(user=people[role]).unread().count()
        assert client.get(f"{PREFIX}/demands/").context["unread_notifications"] == own_unread
        html = client.get(f"{PREFIX}/notifications/").content.decode()
        assert (NOTE_FOR_XU in html) == (role == "xu")
        assert_not_named(html, ALL - SEES[role])

    @pytest.mark.parametrize("role", ["anna", "bruno"])
    def test_reverse_matches_offer_only_visible_published_demands(self, client, people, world, role):
        log_in(client, people, role)
        response = client.get(f"{PREFIX}/institution/demands/")
        offered = {shown.demand.external_id for shown in response.context["fits"]}
        assert offered <= SEES[role] & {"x-public", "x-registered"}
        assert_not_named(response.content.decode(), ALL - SEES[role])
        if role == "anna":
            assert offered == {"x-public", "x-registered"}  # TUM fits both: the list is not simply empty

    @pytest.mark.parametrize("role", ROLES)
    def test_the_find_page_ranks_institutions_and_names_no_demand(self, client, people, world, role):
        log_in(client, people, role)
        response = client.get(
            f"{PREFIX}/find/", {"text": "机器人培训", "fields": "intelligent-manufacturing"}
        )
        assert [match.institution for match in response.context["matches"]]
        assert_not_named(response.content.decode(), ALL)

    @pytest.mark.parametrize("role", ["anon", "olivia"])
    def test_the_match_api_returns_institutions_never_demands(self, client, people, world, role):
        log_in(client, people, role)
        for body in (
            {"title": "机器人培训", "fields": ["intelligent-manufacturing"], "destinations": ["DE"]},
            # Naming a private demand's key does not make the API read it: only the body is matched.
            {"external_id": "x-private", "title": "机器人"},
            {"external_id": "y-private", "title": "机器人"},
        ):
            response = client.post("/api/v1/match", body, content_type="application/json")
            assert response.status_code == 200
            data = response.json()
            assert set(data) == {"engine", "demand", "results"}
            assert data["demand"] == body.get("external_id", "")
            assert data["results"] and {r["institution"] for r in data["results"]} <= {"de-tum", "nl-wur"}
            text = response.content.decode()
            assert not [d for d in ALL if TITLES[d] in text or SECRETS[d] in text]

    @pytest.mark.parametrize("role", ROLES)
    def test_a_demand_page_shows_only_the_readers_threads(self, client, people, world, role):
        log_in(client, people, role)
        html = client.get(f"{PREFIX}/demands/x-public/").content.decode()
        sides = {"xu", "anna", "olivia"}
        assert (THREAD_MESSAGE in html or f"/inquiries/{world['inquiry']}/" in html) == (role in sides)
        assert PROPOSAL_OUTLINE not in html or role in sides

    @pytest.mark.parametrize("role", ["anna", "bruno", "xu", "yang", "olivia"])
    def test_the_inquiry_list_holds_the_readers_threads_only(self, client, people, world, role):
        log_in(client, people, role)
        response = client.get(f"{PREFIX}/inquiries/")
        threads = {inquiry.pk for inquiry in response.context["object_list"]}
        assert threads == ({world["inquiry"]} if role in {"anna", "xu", "olivia"} else set())
        html = response.content.decode()
        assert (f"/inquiries/{world['inquiry']}/" in html) == (role in {"anna", "xu", "olivia"})

    def test_staff_see_their_own_institutions_staff_only(self, client, people, world):
        client.force_login(people["anna"])
        # Only the office chooses the institution; Anna asking for Wageningen's still sees TUM's.
        response = client.get(f"{PREFIX}/institution/staff/", {"institution": "nl-wur"})
        assert response.context["institution"].external_id == "de-tum"
        html = response.content.decode()
        assert "carl@example.org" in html
        assert "bruno@example.org" not in html and "eve@example.org" not in html
        client.force_login(people["bruno"])
        html = client.get(f"{PREFIX}/institution/staff/").content.decode()
        assert "eve@example.org" in html and "anna@example.org" not in html and "carl@example.org" not in html
        client.force_login(people["olivia"])
        response = client.get(f"{PREFIX}/institution/staff/", {"institution": "nl-wur"})
        assert response.context["institution"].external_id == "nl-wur"

    def test_staff_invite_only_to_their_own_institution(self, client, people, world):
        client.force_login(people["anna"])
        client.post(f"{PREFIX}/institution/staff/", filled(INVITE_STAFF, world))
        invitation = StaffInvitation.objects.get(email=INVITE_STAFF["email"])
        assert invitation.institution.external_id == "de-tum"


# Wagtail's own sign-in form: never served, whoever asks; a password posted there signs nobody in.


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_sign_in_sends_everyone_to_the_portals_sign_in(client, people, role):
    activate_totp(people["olivia"])
    if role != "anon":
        client.force_login(people[role])
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response.url.startswith("/zh-hans/accounts/login/")
    client.logout()
    username = "anon" if role == "anon" else people[role].username
    response = client.post("/admin/login/", {"username": username, "password": "pw"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert "_auth_user_id" not in client.session


# Planning: the project library, annual plans and their review, the office's planning pages. X has a
# project from its public demand and a plan of it waiting with the unit; Y's plan waits at the office; X's
# agreement with Wageningen (the training world's) is the one a project is made of. Dai is a member of X's
# supervising department (江苏省人民政府); Y is under another one (山东省人民政府), of which she is not.

PLANNING_ROLES = (*ROLES, "dai")


def build_planning_world(small_catalogue: dict, people: dict, training_world: dict | None = None) -> dict:
    from matching.models import PlanYear, SupervisingDepartment
    from matching.services import planning

    training_world = training_world or build_training_world(small_catalogue, people)
    dai = get_user_model().objects.create_user("dai", "dai@example.org", "pw")
    dai.emailaddress_set.create(email=dai.email, verified=True, primary=True)
    jiangsu = SupervisingDepartment.objects.create(name="江苏省人民政府")
    jiangsu.members.add(dai)
    jiangsu.units.add(people["unit_x"])
    next_year = timezone.localdate().year + 1
    PlanYear.objects.create(year=next_year, deadline=timezone.localdate() + datetime.timedelta(days=30))

    def project(unit, demand: Demand, title: str, year: int = next_year):
        terms = {
            "title": title, "plan_year": year, "headcount": 12, "days": 21, "cities": 1,
            "category": "professional", "content": "学习德国经验。", "funding_source": "central",
            "central_funds": Decimal("60"), "classification": "none", "demand": demand,
            "fields": list(demand.fields.all()), "destinations": list(demand.destinations.all()),
            "institutions": [small_catalogue["tum"]],
        }  # fmt: skip
        return planning.create_project(unit, by=None, values=terms)

    x_project = project(people["unit_x"], Demand.objects.get(external_id="x-public"), "X-PROJECT")
    y_project = project(people["unit_y"], Demand.objects.get(external_id="y-private"), "Y-PROJECT")
    x_plan = planning.select_projects(planning.open_plan(people["unit_x"], next_year), [x_project], by=None)
    # X's plan of the year after, submitted: it waits at Dai's department.
    PlanYear.objects.create(year=next_year + 1, deadline=timezone.localdate() + datetime.timedelta(days=30))
    x_later = project(
        people["unit_x"], Demand.objects.get(external_id="x-registered"), "X-LATER", next_year + 1
    )
    x_sent = planning.select_projects(planning.open_plan(people["unit_x"], next_year + 1), [x_later], by=None)
    x_sent = planning.submit_plan(x_sent, by=people["xu"])
    assert x_sent.stage == "department"
    y_plan = planning.select_projects(planning.open_plan(people["unit_y"], next_year), [y_project], by=None)
    y_plan = planning.submit_plan(y_plan, by=people["yang"])
    # Y's province took it under its department once its plan had gone straight to the office.
    SupervisingDepartment.objects.create(name="山东省人民政府").units.add(people["unit_y"])
    form = {
        "title": "EDITED 工业4.0", "plan_year": str(next_year), "headcount": "12", "days": "21",
        "cities": "1", "category": "professional", "content": "学习德国经验。", "funding_source": "central",
        "central_funds": "60",
        "classification": "none", "fields": [str(small_catalogue["fields"]["manufacturing"].pk)],
        "destinations": [str(small_catalogue["countries"]["DE"].pk)],
        "institutions": [str(small_catalogue["wur"].pk)],
    }  # fmt: skip

    def review_of(plan) -> dict:
        item = plan.items.get()
        return {
            f"item-{item.pk}-decision": "approved",
            f"item-{item.pk}-opinion": "同意",
            f"item-{item.pk}-rank": "1",
        }

    # A department of the State Council for the annual report's filter and the office's quotas.
    ministry = SupervisingDepartment.objects.create(name="农业农村部", kind="department")
    return {
        **training_world, "x_project": x_project.pk, "x_plan": x_plan.pk, "y_plan": y_plan.pk,
        "y_project": y_project.pk, "x_sent": x_sent.pk, "department_review": review_of(x_sent),
        "year": next_year, "department": ministry.pk,
        "x_project_id": x_project.pk, "project_form": form, "review": review_of(y_plan),
    }  # fmt: skip


def planning_snapshot() -> dict:
    from matching.models import AnnualPlan, PlanEvent, PlanningSettings, PlanYear, Project, Quota

    return {
        "projects": sorted(Project.objects.values_list("pk", "title", "plan_year", "closed_at")),
        "plans": sorted(AnnualPlan.objects.values_list("pk", "unit_id", "year", "stage")),
        "plan_events": PlanEvent.objects.count(),
        "office": (
            sorted(PlanningSettings.objects.values_list("max_headcount", "min_days")),
            sorted(PlanYear.objects.values_list("year", "deadline")),
            sorted(Quota.objects.values_list("year", "unit_id", "headcount")),
        ),
    }


PLANNING_SETTINGS = {"form": "settings", "max_headcount": "20", "min_days": "1",
                     "require_expert_review": "on", "summary_days": "30", "weight_rules": "30",
                     "weight_institution": "20", "weight_match": "15", "weight_unit": "20",
                     "weight_favoured": "15"}  # fmt: skip

# fmt: off
PLANNING_ROWS = [
    # The library: the unit's own; its department reads its units'; the office every project; people without
    # a planning role see none.
    #         anon  anna  bruno xu    yang  eve   olivia dai
    Row("project-list", "/projects/",
        get=" no    no    no    ok    ok    no    ok    ok"),
    Row("project-create", "/projects/new/",
        get=" no    no    no    ok    ok    no    no    no"),
    Row("project-from-inquiry", "/inquiries/{to_open}/project/", data="{project_form}", changes="projects",
        get=" no    no    no    ok    no    no    no    no",
        post="no    no    no    ok    no    no    no    no"),
    Row("project-detail", "/projects/{x_project}/",
        get=" no    no    no    ok    no    no    ok    ok"),
    Row("project-detail-y", "/projects/{y_project}/",
        get=" no    no    no    no    ok    no    ok    no"),
    Row("project-edit", "/projects/{x_project}/edit/", data="{project_form}", changes="projects",
        get=" no    no    no    ok    no    no    no    no",
        post="no    no    no    ok    no    no    no    no"),
    # Not approved yet: the unit's summary and closure are refused with a message, nothing changes.
    Row("project-summary", "/projects/{x_project}/summary/",
        data={"returned_on": "2020-01-01", "summary": "x"},
        post="no    no    no    ok    no    no    no    no"),
    Row("project-close", "/projects/{x_project}/close/",
        post="no    no    no    ok    no    no    no    no"),
    # Not closed yet: the unit's follow-up form says so and the answer is refused with a message.
    Row("project-follow-up", "/projects/{x_project}/follow-up/", data={"what_changed": "x",
        "economic_benefit": "x", "social_benefit": "x"},
        get=" no    no    no    ok    no    no    no    no",
        post="no    no    no    ok    no    no    no    no"),
    # The application form: the unit, the office and the unit's supervising department read it; another
    # department does not.
    Row("project-application", "/projects/{x_project}/application/",
        get=" no    no    no    ok    no    no    ok    ok"),
    Row("project-application-docx", "/projects/{x_project}/application.docx",
        get=" no    no    no    ok    no    no    ok    ok"),
    Row("project-application-y", "/projects/{y_project}/application/",
        get=" no    no    no    no    ok    no    ok    no"),
    Row("project-application-docx-y", "/projects/{y_project}/application.docx",
        get=" no    no    no    no    ok    no    ok    no"),
    # Plans: X's waits with its unit, its plan of the year after at its department, Y's at the office; each
    # level acts only at its step.
    #         anon  anna  bruno xu    yang  eve   olivia dai
    Row("plan-list", "/plans/",
        get=" no    no    no    ok    ok    no    ok    ok"),
    Row("plan-open", "/plans/new/", data={"year": "{year}"},
        post="no    no    no    ok    ok    no    no    no"),
    Row("plan-detail", "/plans/{x_plan}/",
        get=" no    no    no    ok    no    no    ok    no"),
    Row("plan-detail-y", "/plans/{y_plan}/",
        get=" no    no    no    no    ok    no    ok    no"),
    Row("plan-projects", "/plans/{x_plan}/projects/", data={"projects": ["{x_project_id}"]},
        post="no    no    no    ok    no    no    no    no"),
    Row("plan-submit", "/plans/{x_plan}/submit/", changes="plans",
        post="no    no    no    ok    no    no    no    no"),
    Row("plan-detail-x-sent", "/plans/{x_sent}/",
        get=" no    no    no    ok    no    no    ok    ok"),
    Row("plan-review", "/plans/{y_plan}/review/", data="{review}", changes="plans",
        post="no    no    no    no    no    no    ok    no"),
    Row("plan-review-department", "/plans/{x_sent}/review/", data="{department_review}", changes="plans",
        post="no    no    no    no    no    no    no    ok"),
    Row("plan-summary-table", "/plans/{x_plan}/summary.xlsx",
        get=" no    no    no    ok    no    no    ok    no"),
    # The office's planning page and its annual report.
    #         anon  anna  bruno xu    yang  eve   olivia dai
    Row("office-planning", "/office/planning/", data=PLANNING_SETTINGS, changes="office",
        get=" no    no    no    no    no    no    ok    no",
        post="no    no    no    no    no    no    ok    no"),
    Row("planning-report", "/office/planning/report/?year={year}",
        get=" no    no    no    no    no    no    ok    no"),
    Row("planning-report-docx", "/office/planning/report/?year={year}&department={department}&format=docx",
        get=" no    no    no    no    no    no    ok    no"),
    Row("planning-report-xlsx", "/office/planning/report/?year={year}&department={department}&format=xlsx",
        get=" no    no    no    no    no    no    ok    no"),
    Row("groups-abroad", "/office/groups-abroad/",
        get=" no    no    no    no    no    no    ok    no"),
]
# fmt: on


def planning_filled(value, world: dict):
    """Like filled(), with "{name}" standing for a whole value of the world (a form, a list)."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in world:
        found = world[value[1:-1]]
        return str(found) if isinstance(found, int) else found
    if isinstance(value, dict):
        return {key: planning_filled(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [planning_filled(item, world) for item in value]
    return filled(value, world)


class TestPlanningAccess(BuiltOnce):
    """The planning rows, on one planning world."""

    build = staticmethod(build_planning_world)

    @pytest.fixture
    def planning_people(self, people) -> dict:
        """The named people, and Dai of X's supervising department (made with the planning world)."""
        return {**people, "dai": get_user_model().objects.get(username="dai")}

    @pytest.mark.parametrize(
        "row, role, method, expected, prefix", list(cases(PLANNING_ROWS, roles=PLANNING_ROLES))
    )
    def test_planning_access(self, client, planning_people, world, row, role, method, expected, prefix):
        if role != "anon":
            client.force_login(planning_people[role])
        before = {**snapshot(), **planning_snapshot()}
        url = prefix + filled(row.path, world)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, planning_filled(row.data, world))
        assert_outcome(response, expected, role, method, row, before, {**snapshot(), **planning_snapshot()})


def test_the_planning_matrix_covers_every_planning_url():
    from matching.urls import planning_urls

    rows = {row.name for row in PLANNING_ROWS}
    names = {pattern.name for pattern in planning_urls}
    assert not {name for name in names if not any(r == name or r.startswith(f"{name}-") for r in rows)}


# Saved searches and alerts, contacting an institution from its page, reports on listings: Xu's saved search
# (with the token of its emails' unsubscribe link) and Eve's open report on TUM.

ALERT_FORM = {"search": "text=机器人培训&fields=intelligent-manufacturing", "name": "Matrix robots",
              "frequency": "daily", "threshold": "5"}  # fmt: skip
WATCH_FORM = {"kind": "institution", "name": "Matrix watch", "frequency": "weekly", "threshold": "4"}
ALERT_EDIT = {"name": "Matrix renamed", "frequency": "weekly", "threshold": "6"}
SHORT_REQUEST = {"demand": "", "title": "Robot cell training", "days": "10", "group_size": "8",
                 "text": "Could you offer this in May?"}  # fmt: skip
REPORT = {"reason": "agency", "text": "A travel agency sells these visits."}
DECISION = {"decision": "uphold", "resolution": "The listing was corrected."}


def build_alert_world(small_catalogue: dict, people: dict, world: dict | None = None) -> dict:
    from matching.choices import AlertKind, Frequency, ReportKind
    from matching.services.alerts import save_alert, unsubscribe_token
    from matching.services.reports import file_report

    world = world or build_world(small_catalogue, people)
    alert = save_alert(
        people["xu"],
        kind=AlertKind.SEARCH,
        name="Xu robots",
        frequency=Frequency.DAILY,
        threshold=5.0,
        query=ALERT_FORM["search"],
    )
    report = file_report(
        people["eve"], ReportKind.INSTITUTION, small_catalogue["tum"], reason="wrong", text=""
    )
    return {**world, "alert": alert.pk, "unsubscribe_token": unsubscribe_token(alert), "report": report.pk}


def alert_snapshot() -> dict:
    from matching.models import Alert, Report

    return {
        "alerts": sorted(
            Alert.objects.values_list("pk", "user_id", "name", "frequency", "threshold", "paused")
        ),
        "reports": sorted(Report.objects.values_list("pk", "status", "resolution")),
    }


# fmt: off
ALERT_ROWS = [
    # Alerts are their owner's alone; unit members save searches, institution staff watch new demands; the
    # unsubscribe link works for whoever holds it, signed in or not.
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("alert-list", "/alerts/",
        get=" no    ok    ok    ok    ok    ok    ok"),
    # Without a search named, staff get the form of their institution's watch; a search is the units'.
    Row("alert-create", "/alerts/new/", data=ALERT_FORM, changes="alerts",
        get=" no    ok    ok    ok    ok    no    no",
        post="no    no    no    ok    ok    no    no"),
    Row("alert-create-watch", "/alerts/new/?kind=institution", data=WATCH_FORM, changes="alerts",
        get=" no    ok    ok    no    no    no    no",
        post="no    ok    ok    no    no    no    no"),
    Row("alert-edit", "/alerts/{alert}/", data=ALERT_EDIT, changes="alerts",
        get=" no    no    no    ok    no    no    no",
        post="no    no    no    ok    no    no    no"),
    Row("alert-pause", "/alerts/{alert}/pause/", changes="alerts",
        post="no    no    no    ok    no    no    no"),
    Row("alert-delete", "/alerts/{alert}/delete/", changes="alerts",
        get=" no    no    no    ok    no    no    no",
        post="no    no    no    ok    no    no    no"),
    Row("alert-unsubscribe", "/alerts/unsubscribe/{unsubscribe_token}/", changes="alerts",
        get=" ok    ok    ok    ok    ok    ok    ok",
        post="ok    ok    ok    ok    ok    ok    ok"),
    # Contacting an institution from its page: confirmed unit members only; the others get an explanation.
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("listing-contact", "/institutions/nl-wur/contact/", data=SHORT_REQUEST, changes="inquiries",
        get=" no    no    no    ok    ok    no    no",
        post="no    no    no    ok    ok    no    no"),
    Row("listing-contact-suspended", "/institutions/de-lapsed/contact/", data=SHORT_REQUEST,
        get=" no    no    no    no    no    no    no",
        post="no    no    no    no    no    no    no"),
    # Reports: anyone signed in reports what they may see; the office decides; staff read decided ones.
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("report-listing", "/report/institution/de-tum/", data=REPORT, changes="reports",
        get=" no    ok    ok    ok    ok    ok    ok",
        post="no    ok    ok    ok    ok    ok    ok"),
    Row("report-listing-x-private", "/report/demand/x-private/", data=REPORT, changes="reports",
        get=" no    no    no    ok    no    no    ok",
        post="no    no    no    ok    no    no    ok"),
    Row("my-reports", "/reports/mine/",
        get=" no    ok    ok    ok    ok    ok    ok"),
    Row("office-reports", "/office/reports/?status=open&kind=institution",
        get=" no    no    no    no    no    no    ok"),
    Row("office-report", "/office/reports/{report}/", data=DECISION, changes="reports",
        get=" no    no    no    no    no    no    ok",
        post="no    no    no    no    no    no    ok"),
    Row("institution-reports", "/institution/reports/",
        get=" no    ok    ok    no    no    no    no"),
]
# fmt: on


class TestAccessToAlertsContactAndReports(BuiltOnce):
    """The alert, contact and report rows, on one world with an alert and a report."""

    build = staticmethod(build_alert_world)

    @pytest.mark.parametrize("row, role, method, expected, prefix", list(cases(ALERT_ROWS)))
    def test_access_to_alerts_contact_and_reports(
        self, client, people, world, row, role, method, expected, prefix
    ):
        before = {**snapshot(), **alert_snapshot()}
        response = request(client, people, world, row, role, method, prefix)
        assert_outcome(response, expected, role, method, row, before, {**snapshot(), **alert_snapshot()})
        if expected == NO:
            body = response.content.decode()
            assert "Xu robots" not in body and not [secret for secret in SECRETS.values() if secret in body]

    @pytest.mark.parametrize(
        "row, role, method, expected, prefix",
        list(cases([row for row in ALERT_ROWS if row.get], methods=("GET",), prefix=OTHER_PREFIX)),
    )
    def test_access_to_alerts_contact_and_reports_in_the_other_language(
        self, client, people, world, row, role, method, expected, prefix
    ):
        before = {**snapshot(), **alert_snapshot()}
        response = request(client, people, world, row, role, method, prefix)
        assert_outcome(response, expected, role, method, row, before, {**snapshot(), **alert_snapshot()})


def test_the_matrix_covers_every_alert_contact_and_report_url():
    from matching.urls import alert_urls, listing_urls

    rows = {row.name for row in ALERT_ROWS}
    names = {pattern.name for pattern in [*alert_urls, *listing_urls]}
    assert not {name for name in names if not any(r == name or r.startswith(f"{name}-") for r in rows)}


# The expert pool (专家库): a unit invites an active expert of the pool; the office keeps the pool.

EXPERT_FORM = {
    "name": "王教授",
    "email": "wang.pool@example.org",
    "affiliation": "南京大学",
    "title": "教授",
    "fields": ["intelligent-manufacturing"],
    "status": "active",
}
RETIRE_EXPERT = {**EXPERT_FORM, "name": "李研究员", "email": "li@example.org", "status": "retired"}


def build_expert_world(small_catalogue: dict, people: dict, world: dict | None = None) -> dict:
    """The world, and Li, an active expert of the pool in intelligent manufacturing."""
    from matching.models import Expert

    world = world or build_world(small_catalogue, people)
    expert = Expert.objects.create(
        name="李研究员", email="li@example.org", affiliation="中国科学院", title="研究员"
    )
    expert.fields.set([small_catalogue["fields"]["manufacturing"]])
    return {**world, "expert": expert.pk}


def expert_snapshot() -> dict:
    from matching.models import Expert

    return {"experts": sorted(Expert.objects.values_list("pk", "name", "email", "status"))}


# fmt: off
EXPERT_ROWS = [
    #         anon  anna  bruno xu    yang  eve   olivia
    Row("review-invite-pool", "/demands/x-private/reviews/invite/{expert}/", changes="reviews",
        post="no    no    no    ok    no    no    no"),
    Row("office-experts", "/office/experts/?field=intelligent-manufacturing&status=active",
        get=" no    no    no    no    no    no    ok"),
    Row("office-expert-add", "/office/experts/add/", data=EXPERT_FORM, changes="experts",
        get=" no    no    no    no    no    no    ok",
        post="no    no    no    no    no    no    ok"),
    Row("office-expert", "/office/experts/{expert}/", data=RETIRE_EXPERT, changes="experts",
        get=" no    no    no    no    no    no    ok",
        post="no    no    no    no    no    no    ok"),
]
# fmt: on


class TestAccessToTheExpertPool(BuiltOnce):
    """The expert pool's rows, on one world with an expert."""

    build = staticmethod(build_expert_world)

    @pytest.mark.parametrize("row, role, method, expected, prefix", list(cases(EXPERT_ROWS)))
    def test_access_to_the_expert_pool(self, client, people, world, row, role, method, expected, prefix):
        before = {**snapshot(), **expert_snapshot()}
        response = request(client, people, world, row, role, method, prefix)
        assert_outcome(response, expected, role, method, row, before, {**snapshot(), **expert_snapshot()})
        if expected == NO:
            assert "li@example.org" not in response.content.decode()


def test_the_matrix_covers_every_expert_pool_url():
    from matching.urls import expert_urls

    rows = {row.name for row in EXPERT_ROWS}
    names = {pattern.name for pattern in expert_urls}
    assert not {name for name in names if not any(r == name or r.startswith(f"{name}-") for r in rows)}
