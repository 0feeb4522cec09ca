"""Small builders for the catalogue: each test builds the records it needs, never the whole demo."""

from __future__ import annotations

import datetime

from catalog.models import (
    Country,
    CountryStrength,
    Course,
    Evaluation,
    Field,
    Institution,
    InstitutionIndexPage,
    InstitutionSpecialty,
    Outcome,
    OutcomeIndexPage,
)


def make_field(
    code: str, name_en: str, name_zh: str, synonyms=(), parent: Field | None = None, **extra
) -> Field:
    return Field.objects.create(
        code=code, name_en=name_en, name_zh=name_zh, synonyms=list(synonyms), parent=parent, **extra
    )


def make_country(code: str, name_en: str, name_zh: str = "", strengths=(), **extra) -> Country:
    country = Country.objects.create(code=code, name_en=name_en, name_zh=name_zh, **extra)
    for field, weight in strengths:
        CountryStrength.objects.create(country=country, field=field, weight=weight)
    return country


def make_institution(
    external_id: str, name_en: str, country: Country, *, specialties=(), **extra
) -> Institution:
    index = InstitutionIndexPage.objects.get()
    institution = Institution(external_id=external_id, name_en=name_en, country=country, **extra)
    for field, weight in specialties:
        institution.specialties.add(InstitutionSpecialty(field=field, weight=weight))
    index.add_child(instance=institution)
    return institution


def make_course(
    external_id: str, institution: Institution, title_en: str = "", title_zh: str = "", *, fields=(), **extra
) -> Course:
    course = Course(external_id=external_id, title_en=title_en, title_zh=title_zh, **extra)
    institution.add_child(instance=course)
    if fields:
        course.fields.set(fields)
        course.save()
    return course


def make_outcome(
    external_id: str, title_zh: str, title_en: str = "", *, institutions=(), fields=(), **extra
) -> Outcome:
    index = OutcomeIndexPage.objects.get()
    outcome = Outcome(external_id=external_id, title_zh=title_zh, title_en=title_en, **extra)
    index.add_child(instance=outcome)
    if institutions or fields:
        outcome.institutions.set(institutions)
        outcome.fields.set(fields)
        outcome.save()
    return outcome


def make_evaluation(
    external_id: str,
    institution: Institution,
    overall: float,
    *,
    date: datetime.date | None = None,
    direction: str = "unit_to_institution",
    **extra,
) -> Evaluation:
    return Evaluation.objects.create(
        external_id=external_id,
        institution=institution,
        overall=overall,
        date=date or datetime.date(2024, 5, 1),
        direction=direction,
        **extra,
    )


def activate_totp(user) -> None:
    """Give a person an authenticator app, as office reviewers must have one (allauth.mfa)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import is_mfa_enabled

    if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
        TOTP.activate(user, generate_totp_secret())


def ensure_site_tree() -> None:
    """The page tree the migrations create (root, home, the three catalogue indexes, the site), built
    again when a transactional test before this one flushed the database."""
    from django.conf import settings
    from wagtail.models import Locale, Page, Site

    from catalog.models import CourseLibraryPage
    from portal.models import HomePage

    if InstitutionIndexPage.objects.exists():
        return
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.add_child(instance=HomePage(title="Home", slug="home"))
    for model, slug, title, title_zh in (
        (InstitutionIndexPage, "institutions", "Institutions", "培训机构"),
        (CourseLibraryPage, "courses", "Premium course library", "精品课程资源库"),
        (OutcomeIndexPage, "outcomes", "Training outcomes", "培训成果展示"),
    ):
        home.add_child(instance=model(title=title, title_zh=title_zh, slug=slug))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})


def current_totp_code(user) -> str:
    """The code a person's authenticator app shows now, computed from the stored secret (allauth.mfa)."""
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    secret = decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])
    if time.time() % 30 > 27:  # a code about to expire might be refused on arrival
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
