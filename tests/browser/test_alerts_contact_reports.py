"""In a real browser, in Chinese and in English: a visitor on TUM's page is asked to sign in and comes back
to it, contacts TUM about one of the unit's demands and reports the listing; the office upholds the report
and the reporter reads the decision; the member saves a search on the find page, a new institution that
fits it appears on "My alerts" and the dashboard and by email, whose unsubscribe link works signed out."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from catalog.models import Institution, InstitutionIndexPage, InstitutionSpecialty
from matching.choices import Frequency
from matching.models import Alert, Demand, Report
from tests.browser.test_demand_negotiation import person_page, said, snap  # noqa: F401 (fixture)
from tests.browser.test_quality_loop import sign_in_with_authenticator
from tests.factories import activate_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TUM_NAME = {"zh-hans": "慕尼黑工业大学", "en": "Technical University of Munich"}


def publish_kit(small_catalogue, language: str) -> Institution:
    index = InstitutionIndexPage.objects.get()
    kit = Institution(
        external_id=f"de-kit-{language}",
        name_en=f"Karlsruhe Institute of Technology ({language})",
        name_zh=f"卡尔斯鲁厄理工学院（{language}）",
        country=small_catalogue["countries"]["DE"],
        description_en="Robotics, industry 4.0 and production engineering for manufacturers.",
        description_zh="机器人、工业4.0与智能制造培训。",
        live=False,
    )
    kit.specialties.add(InstitutionSpecialty(field=small_catalogue["fields"]["manufacturing"], weight=1.0))
    index.add_child(instance=kit)
    kit.save_revision().publish()  # the alert check runs on the task queue once this commits
    return kit


def test_contact_report_and_alerts_in_the_browser_in_both_languages(
    person_page,  # noqa: F811 (the fixture imported above)
    live_server,
    people,
    small_catalogue,
):
    activate_totp(people["olivia"])
    # Both languages in one test: the live server's database is set up once.
    for language in ("zh-hans", "en"):
        flow(person_page, people, small_catalogue, language)


def flow(person_page, people, small_catalogue, language: str) -> None:  # noqa: F811
    Demand.objects.create(
        organizing_unit=people["unit_x"],
        external_id=f"x-robots-{language}",
        title="工业机器人应用培训",
        days=21,
        group_size=12,
        category="professional",
        status="published",
        published_at=timezone.now(),
    )
    tum_path = f"/{language}/institutions/de-tum/"

    # A visitor on TUM's page is asked to sign in, and comes back to the page.
    xu = person_page(language)
    # The first page of a fresh server process builds the analyser's lexicon: give it time.
    xu.goto(tum_path, timeout=60_000)
    expect(xu.locator("h1").first).to_have_text(TUM_NAME[language])
    xu.locator("[data-contact-sign-in]").click()
    xu.locator("input[name=login]").fill("xu@example.org")
    xu.locator("input[name=password]").fill("pw")
    xu.locator("main form button[type=submit]").first.click()
    expect(xu).to_have_url(re.compile(re.escape(tum_path) + "$"))

    snap(xu, f"{language}-institution-page")
    # Contact TUM about one of the unit's demands.
    xu.locator("[data-contact-listing]").click()
    expect(xu.locator("h1")).to_have_text(said(language, "Contact %(name)s", name=TUM_NAME[language]))
    xu.locator("#id_demand").select_option(f"x-robots-{language}")
    xu.locator("#id_text").fill("请介绍贵校的工业机器人培训项目。")
    snap(xu, f"{language}-contact-form")
    xu.locator("main form button[type=submit]").click()
    expect(xu).to_have_url(re.compile(rf"/{language}/inquiries/\d+/$"))
    expect(xu.locator("main")).to_contain_text("请介绍贵校的工业机器人培训项目。")

    # Report the listing: a travel agency posing as an institution.
    xu.goto(tum_path)
    xu.locator("[data-report-listing]").click()
    expect(xu.locator("h1")).to_have_text(said(language, "Report this listing"))
    xu.locator("input[name=reason][value=agency]").check()
    xu.locator("#id_text").fill("The programme is sold by a travel agency.")
    snap(xu, f"{language}-report-form")
    xu.locator("main form button[type=submit]").first.click()
    expect(xu).to_have_url(re.compile(rf"/{language}/reports/mine/$"))
    expect(xu.locator("[data-status=open] .badge")).to_have_text(said(language, "Waiting for the office"))

    # The office upholds it; the reporter reads the decision.
    olivia = person_page(language)
    sign_in_with_authenticator(olivia, language, people["olivia"], "olivia@example.org")
    olivia.goto(f"/{language}/dashboard/")
    olivia.locator("[data-office-reports]").click()
    snap(olivia, f"{language}-office-queue")
    olivia.locator("[data-report] h2 a").first.click()
    expect(olivia.locator("[data-admission-link]")).to_be_visible()
    olivia.locator("input[name=decision][value=uphold]").check()
    olivia.locator("#id_resolution").fill(f"已核实并更正。{language}")
    olivia.locator("main form button[type=submit]").click()
    expect(olivia).to_have_url(re.compile(rf"/{language}/office/reports/$"))
    report = Report.objects.get(resolution=f"已核实并更正。{language}")
    assert (report.status, report.handled_by) == ("upheld", people["olivia"])
    xu.goto(f"/{language}/reports/mine/")
    expect(xu.locator("[data-status=upheld]").first).to_contain_text(f"已核实并更正。{language}")

    # Save a search on the find page.
    xu.goto(f"/{language}/find/?text=工业机器人培训&fields=intelligent-manufacturing")
    xu.locator("[data-save-search] a").click()
    expect(xu.locator("h1")).to_have_text(said(language, "New alert"))
    xu.locator("#id_name").fill(f"Robots {language}")
    xu.locator("#id_frequency").select_option(Frequency.IMMEDIATE)
    xu.locator("#id_threshold").fill("1")
    xu.locator("main form button[type=submit]").click()
    expect(xu).to_have_url(re.compile(rf"/{language}/alerts/$"))
    expect(xu.locator("[data-alert]").first).to_contain_text(f"Robots {language}")

    # A new institution that fits it: on "My alerts", the dashboard, and by email.
    publish_kit(small_catalogue, language)
    kit_name = (
        f"卡尔斯鲁厄理工学院（{language}）"
        if language == "zh-hans"
        else f"Karlsruhe Institute of Technology ({language})"
    )
    xu.reload()
    expect(xu.locator("[data-alert] .alert-hits").first).to_contain_text(kit_name)
    snap(xu, f"{language}-my-alerts")
    xu.goto(f"/{language}/dashboard/")
    expect(xu.locator("[data-section=alerts]")).to_contain_text(kit_name)
    snap(xu, f"{language}-dashboard")
    (message,) = [m for m in mail.outbox if "xu@example.org" in m.to and f"Robots {language}" in m.subject]
    link = re.search(r"<https?://[^/]+(/[^>]+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    link = link.replace("/en/", f"/{language}/", 1)

    # The unsubscribe link works signed out.
    visitor = person_page(language)
    visitor.goto(link)
    visitor.locator("[data-unsubscribe]").click()
    expect(visitor.locator("[data-unsubscribed]")).to_be_visible()
    snap(visitor, f"{language}-unsubscribed")
    assert Alert.objects.get(name=f"Robots {language}").frequency == Frequency.NEVER
