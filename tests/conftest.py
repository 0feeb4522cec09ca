"""Shared fixtures: a small catalogue built for the test, and Debian's Chromium for browser tests."""

from __future__ import annotations

import pytest

from tests.factories import (
    ensure_site_tree,
    make_country,
    make_course,
    make_evaluation,
    make_field,
    make_institution,
)


@pytest.fixture
def small_catalogue(db):
    """Two fields, two countries, three institutions: TUM (admitted, with a course and two evaluations),
    Wageningen (admitted, Chinese description only) and a suspended provider that must never show."""
    return build_small_catalogue()


def build_small_catalogue() -> dict:
    """The small catalogue's records, for the fixture and for tests that build it once for many cases."""
    from search.signals import rebuilding_once

    # One profile rebuild per institution, as an import does, rather than one per save.
    with rebuilding_once():
        ensure_site_tree()
        manufacturing = make_field(
            "intelligent-manufacturing",
            "Intelligent manufacturing",
            "智能制造",
            synonyms=["工业4.0", "robotics", "机器人", "industry 4.0"],
        )
        agriculture = make_field(
            "modern-agriculture",
            "Modern agriculture",
            "现代农业",
            synonyms=["智慧农业", "smart farming", "horticulture"],
        )
        germany = make_country("DE", "Germany", "德国", region="europe", strengths=[(manufacturing, 1.0)])
        netherlands = make_country(
            "NL", "Netherlands", "荷兰", region="europe", strengths=[(agriculture, 1.0)]
        )
        tum = make_institution(
            "de-tum",
            "Technical University of Munich",
            germany,
            name_zh="慕尼黑工业大学",
            city="Munich",
            cooperating=True,
            specialties=[(manufacturing, 1.0)],
            description_en="Robotics, production engineering and Industry 4.0 programmes.",
            description_zh="机器人、生产工程与工业4.0培训项目。",
        )
        wur = make_institution(
            "nl-wur",
            "Wageningen University & Research",
            netherlands,
            name_zh="瓦赫宁根大学",
            city="Wageningen",
            kind="university",
            specialties=[(agriculture, 1.0)],
            description_zh="现代农业、设施园艺与食品科学。",
        )
        lapsed = make_institution(
            "de-lapsed",
            "Lapsed Training GmbH",
            germany,
            name_zh="停训培训公司",
            status="suspended",
            kind="training_provider",
            specialties=[(manufacturing, 1.0)],
            description_en="Robotics seminars.",
        )
        course = make_course(
            "de-tum-im-01",
            tum,
            "Industry 4.0 for plant managers",
            "面向工厂管理者的工业4.0",
            fields=[manufacturing],
            days=21,
            language="en",
            premium=True,
            summary_en="Three weeks on digital production.",
            summary_zh="三周数字化生产课程。",
        )
        make_evaluation("ev-1", tum, 4.5)
        make_evaluation("ev-2", tum, 4.0)
    return {
        "fields": {"manufacturing": manufacturing, "agriculture": agriculture},
        "countries": {"DE": germany, "NL": netherlands},
        "tum": tum,
        "wur": wur,
        "lapsed": lapsed,
        "course": course,
    }


def pytest_terminal_summary(terminalreporter):
    """Prints the ranking quality measured on the judged sets, when those tests ran."""
    from tests.search.test_judged import REPORT
    from tests.search.test_reach import REPORT as REACH

    if REPORT:
        terminalreporter.write_line(
            f"judged set ({REPORT['demands']:.0f} demands): nDCG@10 engine {REPORT['engine']:.3f}, "
            f"BM25 {REPORT['bm25']:.3f}"
        )
    for split in REACH.get("demands", {}):
        terminalreporter.write_line(
            f"reach set, {split} ({REACH['demands'][split]} demands): nDCG@10 engine "
            f"{REACH['engine'][split]:.3f}, BM25 {REACH['bm25'][split]:.3f}"
        )


@pytest.fixture
def people(small_catalogue):
    """Named people, each with a role and a reason to be in a test:
    Anna works for TUM (institution A), Bruno for Wageningen (institution B); Xu is a member of unit X
    (江苏省科学技术厅), Yang of unit Y (山东省农业农村厅); Eve is an expert; Olivia is an office reviewer."""
    return build_people(small_catalogue)


def build_people(small_catalogue: dict) -> dict:
    """The named people's records, for the fixture and for tests that build them once for many cases."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from catalog.models import InstitutionStaff
    from catalog.roles import EXPERTS, OFFICE_REVIEWERS
    from matching.models import OrganizingUnit, UnitMembership

    def person(name: str):
        user = get_user_model().objects.create_user(username=name, email=f"{name}@example.org", password="pw")
        user.emailaddress_set.create(email=user.email, verified=True, primary=True)
        return user

    anna, bruno, xu, yang, eve, olivia = (person(n) for n in ("anna", "bruno", "xu", "yang", "eve", "olivia"))
    InstitutionStaff.objects.create(user=anna, institution=small_catalogue["tum"])
    InstitutionStaff.objects.create(user=bruno, institution=small_catalogue["wur"])
    unit_x = OrganizingUnit.objects.create(name="江苏省科学技术厅")
    unit_y = OrganizingUnit.objects.create(name="山东省农业农村厅")
    UnitMembership.objects.create(user=xu, unit=unit_x, confirmed_at=timezone.now())
    UnitMembership.objects.create(user=yang, unit=unit_y, confirmed_at=timezone.now())
    eve.groups.add(Group.objects.get_or_create(name=EXPERTS)[0])
    olivia.groups.add(Group.objects.get_or_create(name=OFFICE_REVIEWERS)[0])
    return {
        "anna": anna,
        "bruno": bruno,
        "xu": xu,
        "yang": yang,
        "eve": eve,
        "olivia": olivia,
        "unit_x": unit_x,
        "unit_y": unit_y,
    }


@pytest.fixture(autouse=True)
def force_login_passes_every_factor():
    """`client.force_login` stands for a complete sign-in: allauth's record of the session then says the
    second factor was passed, as signing in with an authenticator code does. Tests of a password-only
    session build it through allauth's real sign-in or remove the record themselves."""
    from allauth.account.internal.flows.login import record_authentication
    from django.contrib.auth.signals import user_logged_in

    def record(sender, request, user, **kwargs):
        # The test client's force_login signs in through a bare HttpRequest that no URL resolved.
        if request is not None and not request.path:
            record_authentication(request, user, "password")
            record_authentication(request, user, "mfa", type="totp")

    user_logged_in.connect(record, dispatch_uid="tests-force-login-factors")
    yield
    user_logged_in.disconnect(dispatch_uid="tests-force-login-factors")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests open the transactional tests (pytest-django puts those after the others). Their live
    server's tests reload the database as the migrations left it, which must not meet rows that a flush of
    an earlier transactional test recreated; their own flush is harmless to the transactional tests after
    them, which build what they need."""
    browser = [item for item in items if item.get_closest_marker("browser") is not None]
    others = [item for item in items if item.get_closest_marker("browser") is None]

    def transactional(item) -> bool:
        marker = item.get_closest_marker("django_db")
        return bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in item.fixturenames

    first = next((i for i, item in enumerate(others) if transactional(item)), len(others))
    items[:] = [*others[:first], *browser, *others[first:]]


@pytest.fixture(autouse=True)
def fresh_content_types(request):
    """Django keeps content type ids in memory; a transactional test's flush and reload may give them other
    rows, so each test reads them anew.

    After a transactional test every content type is remembered again, before the flush: the next browser
    test reloads the database from its serialized copy, and a Wagtail page built on the way asks for its
    content type while that table is still empty, which would write a row the reload then collides with."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import DEFAULT_DB_ALIAS

    ContentType.objects.clear_cache()
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        for content_type in ContentType.objects.all():
            ContentType.objects._add_to_cache(DEFAULT_DB_ALIAS, content_type)
