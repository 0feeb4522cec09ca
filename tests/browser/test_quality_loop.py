"""The quality loop in Chromium: after a training, the group leader rates TUM on a phone from the QR link
and TUM rates the group from the other; each side reads the other's rating only once both have answered;
the poor rating shows in TUM's public quality record and moves it below a rival in the ranking. Then the
office suspends TUM with a written reason and it vanishes from the directory and the matches."""

from __future__ import annotations

import datetime
import time
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import ngettext
from playwright.sync_api import Page, expect

from catalog.choices import InstitutionStatus
from matching.services.training import open_training_group
from tests.browser.test_demand_negotiation import BROWSER_LOCALE, said, sign_in, snap
from tests.factories import activate_totp, current_totp_code, make_evaluation, make_institution
from tests.matching.test_negotiation import demand, thread  # noqa: F401 (fixtures)
from tests.matching.test_training import agreed, group_terms  # noqa: F401 (fixture, helper)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# A mid-range Android phone: the page must fit its width without scrolling sideways.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36"
    ),
}
# The leader's verdict: poor on every criterion (overall 1.4), so the move in the ranking is certain.
LEADER_SCORES = {"curriculum": 2, "teaching": 1, "organisation": 1, "logistics": 2, "usefulness": 1}
LEADER_COMMENT = "课程与宣传不符，翻译缺席，日程多次临时更改。"
# TUM's verdict on the group (overall 4.3); it rates the group, so it never enters TUM's quality record.
TUM_SCORES = {"attendance": 5, "preparation": 4, "engagement": 4}
TUM_COMMENT = "Punctual, curious and well prepared."
MANUFACTURING_IN_GERMANY = {"fields": "intelligent-manufacturing", "destinations": "DE"}
FIND_MANUFACTURING_IN_GERMANY = "/zh-hans/find/?fields=intelligent-manufacturing&destinations=DE"


def said_count(language: str, singular: str, plural: str, count: int) -> str:
    """A `{% blocktranslate count counter=… %}` text as a reader of `language` sees it."""
    with translation.override(language):
        return ngettext(singular, plural, count) % {"counter": count}


def labelled(language: str, label: str, value: str) -> str:
    """A label and its value as the interface shows them in `language` (a Chinese colon in Chinese)."""
    return said(language, "%(label)s: %(value)s", label=said(language, label), value=value)


def evaluations_by_units(language: str, count: int) -> str:
    return said_count(
        language,
        "%(counter)s evaluation by organizing units",
        "%(counter)s evaluations by organizing units",
        count,
    )


@pytest.fixture
def people(people):
    """The shared people; Olivia has set up her authenticator app, as the office must."""
    activate_totp(people["olivia"])
    return people


@pytest.fixture
def rival(small_catalogue):
    """KIT: like TUM a German institution stating intelligent manufacturing, so the two differ in the
    ranking by their quality alone; one recent 3.8 puts KIT just below TUM's two older 4.5 and 4.0."""
    kit = make_institution(
        "de-kit",
        "Karlsruhe Institute of Technology",
        small_catalogue["countries"]["DE"],
        name_zh="卡尔斯鲁厄理工学院",
        city="Karlsruhe",
        specialties=[(small_catalogue["fields"]["manufacturing"], 1.0)],
    )
    make_evaluation("ev-kit-1", kit, 3.8, date=timezone.localdate())
    return kit


@pytest.fixture
def training_group(agreed, people):  # noqa: F811
    """Xu's unit went to TUM on the agreed inquiry; the training ended a week ago, nobody has rated yet."""
    return open_training_group(agreed, by=people["xu"], **group_terms())


@pytest.fixture
def open_page(browser, browser_context_args, live_server):
    """A page in a browser context of its own (own cookies: one person each) reading `language`, on a
    desktop screen or a phone, with relative addresses on the live server."""
    cache.clear()  # allauth's rate limits count in the cache; other tests may have signed in from here
    contexts = []

    def open_page(language: str, *, phone: bool = False) -> Page:
        args = {**browser_context_args, "locale": BROWSER_LOCALE[language], "base_url": live_server.url}
        context = browser.new_context(**(args | PHONE if phone else args))
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def page_widths(page: Page) -> dict[str, int]:
    """How wide the page's content is, and how wide the layout viewport: a phone browser widens the
    viewport to whatever the content needs (zooming out), so both must stay within the phone's width."""
    return page.evaluate(
        "({content: document.documentElement.scrollWidth, viewport: window.innerWidth, "
        "screen: document.documentElement.clientWidth})"
    )


def fits_the_phone(page: Page) -> bool:
    widths = page_widths(page)
    return widths["content"] <= widths["viewport"] <= PHONE["viewport"]["width"]


def evaluation_path(page: Page, side: str) -> str:
    """The link behind one QR code on the printable page (site links carry the site's host, not the live
    server's, so only the path is kept)."""
    return urlsplit(page.locator(f".qr-card[data-side={side}] small").inner_text().strip()).path


def fill_evaluation_on_the_phone(page: Page, scores: dict[str, int], comment: str) -> None:
    for name, score in scores.items():
        page.locator(f"input[name={name}][value='{score}']").tap()
        expect(page.locator(f"input[name={name}][value='{score}']")).to_be_checked()
    page.locator("textarea[name=comment]").fill(comment)
    page.locator(".training-evaluate form button[type=submit]").tap()


def rank_of(page: Page, institution: str) -> str:
    return page.locator(f".match-list > li.match[data-match={institution}] .rank").inner_text()


USED_CODES: set[tuple[int, str]] = set()


def unused_totp_code(user) -> str:
    """A code the authenticator has not given this person yet: allauth refuses a code used once (a second
    sign-in within the same 30 seconds waits for the next code, as a person would)."""
    code = current_totp_code(user)
    while (user.pk, code) in USED_CODES:
        time.sleep(1)
        code = current_totp_code(user)
    USED_CODES.add((user.pk, code))
    return code


def sign_in_with_authenticator(page: Page, language: str, user, email: str) -> None:
    """Password, then the code of the authenticator app (allauth.mfa), computed from the stored secret."""
    page.goto(f"/{language}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("pw")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("h1")).to_have_text(said(language, "Two-Factor Authentication"))
    page.locator("input[name=code]").fill(unused_totp_code(user))
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".account-nav .account-name")).to_have_text(email)


def test_both_sides_rate_on_phones_read_each_other_once_both_answered_and_tum_drops_below_kit(
    open_page, live_server, people, small_catalogue, rival, training_group
):
    group_path = f"/training-groups/{training_group.pk}/"

    # Before: TUM's public record rests on two evaluations (4.5 and 4.0), with no dimension scores yet,
    # and a search for intelligent manufacturing in Germany ranks TUM first, KIT second.
    visitor = open_page("en")
    visitor.goto("/en/institutions/de-tum/")
    quality = visitor.locator("[data-quality]")
    expect(quality.locator(".big")).to_contain_text("4.2")
    expect(quality).to_contain_text(evaluations_by_units("en", 2))
    expect(quality.locator("[data-dimension]")).to_have_count(0)

    searcher = open_page("zh-hans")
    searcher.goto("/zh-hans/find/")
    searcher.locator("select[name=fields]").select_option(MANUFACTURING_IN_GERMANY["fields"])
    searcher.locator("select[name=destinations]").select_option(MANUFACTURING_IN_GERMANY["destinations"])
    searcher.get_by_role("button", name=said("zh-hans", "Rank institutions")).click()
    matches = searcher.locator(".match-list > li.match")
    expect(matches).to_have_count(2)
    find_path = searcher.url.removeprefix(live_server.url)
    assert "fields=intelligent-manufacturing" in find_path
    assert [rank_of(searcher, "de-tum"), rank_of(searcher, "de-kit")] == ["1", "2"]
    snap(searcher, "quality-01-ranked-before")

    # Xu prints the unit's QR code (only his side's); the group leader scans it and rates TUM on a phone,
    # in Chinese.
    xu = open_page("zh-hans")
    sign_in(xu, "zh-hans", "xu@example.org", "pw")
    xu.goto(f"/zh-hans{group_path}qr/")
    expect(xu.locator(".qr-card svg")).to_have_count(1)
    unit_link = evaluation_path(xu, "unit")
    assert unit_link == f"/zh-hans/evaluate/{training_group.unit_token}/"

    leader = open_page("zh-hans", phone=True)
    leader.goto(unit_link)
    expect(leader.locator("h1")).to_have_text(said("zh-hans", "The group rates the institution"))
    expect(leader.locator(".training-evaluate")).to_contain_text("慕尼黑工业大学")
    for name in LEADER_SCORES:
        expect(leader.locator(f"fieldset:has(input[name={name}]) legend")).to_contain_text(
            said("zh-hans", name.capitalize())
        )
    snap(leader, "quality-02-leader-phone-form")
    fill_evaluation_on_the_phone(leader, LEADER_SCORES, LEADER_COMMENT)
    expect(leader.locator("[data-thanks]")).to_have_text(
        said("zh-hans", "Thank you, your evaluation was recorded.")
    )
    assert fits_the_phone(leader), page_widths(leader)
    snap(leader, "quality-03-leader-thanked")
    # The link works once: opened again, it says so and offers no form.
    leader.goto(unit_link)
    expect(leader.locator("[data-used]")).to_have_text(
        said("zh-hans", "This evaluation has already been submitted. Each link can be used once.")
    )
    expect(leader.locator(".training-evaluate form")).to_have_count(0)

    # Sealed: Xu reads his own side's rating but nothing of TUM's (not given yet); Anna, at TUM, is told
    # the group has rated but reads neither the score nor the comment.
    xu.goto(f"/zh-hans{group_path}")
    expect(xu.locator("[data-sealed]")).to_be_visible()
    expect(xu.locator("[data-evaluation=unit]")).to_contain_text(LEADER_COMMENT)
    not_yet = xu.locator("[data-evaluation=institution]")
    expect(not_yet).to_contain_text(said("zh-hans", "Not submitted yet."))
    expect(not_yet).not_to_contain_text(said("zh-hans", "Overall"))
    anna = open_page("en")
    sign_in(anna, "en", "anna@example.org", "pw")
    anna.goto(f"/en{group_path}")
    expect(anna.locator("[data-sealed]")).to_have_text(
        said(
            "en",
            "The evaluations are sealed: neither side sees the other's until both have submitted or 30 days "
            "have passed after the end of the training.",
        )
    )
    unit_side = anna.locator("[data-evaluation=unit]")
    expect(unit_side).to_contain_text(said("en", "Submitted; sealed."))
    expect(unit_side).not_to_contain_text(LEADER_COMMENT)
    expect(unit_side).not_to_contain_text(said("en", "Overall"))

    # TUM rates the group on a phone, in English, from the code Anna prints: only TUM's own.
    anna.goto(f"/en{group_path}qr/")
    expect(anna.locator(".qr-card svg")).to_have_count(1)
    institution_link = evaluation_path(anna, "institution")
    tum_phone = open_page("en", phone=True)
    tum_phone.goto(institution_link.replace("/zh-hans/", "/en/", 1))
    expect(tum_phone.locator("h1")).to_have_text(said("en", "The institution rates the group"))
    fill_evaluation_on_the_phone(tum_phone, TUM_SCORES, TUM_COMMENT)
    expect(tum_phone.locator("[data-thanks]")).to_have_text(
        said("en", "Thank you, your evaluation was recorded.")
    )
    assert fits_the_phone(tum_phone), page_widths(tum_phone)
    snap(tum_phone, "quality-04-tum-thanked")

    # Both have answered: the seal is gone and each reads the other's rating.
    xu.reload()
    expect(xu.locator("[data-sealed]")).to_have_count(0)
    tum_on_group = xu.locator("[data-evaluation=institution]")
    expect(tum_on_group).to_contain_text(labelled("zh-hans", "Overall", "4.3"))
    expect(tum_on_group).to_contain_text(labelled("zh-hans", "Engagement", "4"))
    expect(tum_on_group).to_contain_text(TUM_COMMENT)
    snap(xu, "quality-05-xu-reads-tum")
    anna.goto(f"/en{group_path}")
    expect(anna.locator("[data-sealed]")).to_have_count(0)
    group_on_tum = anna.locator("[data-evaluation=unit]")
    expect(group_on_tum).to_contain_text(labelled("en", "Overall", "1.4"))
    expect(group_on_tum).to_contain_text(labelled("en", "Teaching", "1"))
    expect(group_on_tum).to_contain_text(LEADER_COMMENT)

    # After: TUM's public record counts the group's rating (not TUM's rating of the group) and shows the
    # dimensions it scored; the same search now ranks KIT first and TUM second.
    visitor.reload()
    expect(quality.locator(".big")).to_contain_text("3.3")
    expect(quality).to_contain_text(evaluations_by_units("en", 3))
    expect(quality.locator("[data-dimension=teaching] .num")).to_have_text("1.0")
    expect(quality.locator("[data-dimension=logistics] .num")).to_have_text("2.0")
    searcher.goto(find_path)
    expect(matches).to_have_count(2)
    assert [rank_of(searcher, "de-kit"), rank_of(searcher, "de-tum")] == ["1", "2"]
    snap(searcher, "quality-06-ranked-after")


def test_both_evaluation_forms_fit_a_phone_without_scrolling_sideways(open_page, people, training_group):
    measured = {}
    for side, token, language in (
        ("unit", training_group.unit_token, "zh-hans"),
        ("institution", training_group.institution_token, "en"),
    ):
        phone = open_page(language, phone=True)
        phone.goto(f"/{language}/evaluate/{token}/")
        phone.wait_for_selector(".training-evaluate form textarea[name=comment]")
        snap(phone, f"quality-00-{side}-form-on-a-phone")
        measured[side] = page_widths(phone)
    assert all(
        widths["content"] <= widths["viewport"] <= PHONE["viewport"]["width"] for widths in measured.values()
    ), measured


def test_the_office_suspends_tum_with_a_reason_and_it_leaves_the_directory_and_the_matches(
    open_page, live_server, people, small_catalogue, rival
):
    # A visitor, reading Chinese, finds TUM in the directory and first in the matches.
    visitor = open_page("zh-hans")
    visitor.goto("/zh-hans/institutions/")
    expect(visitor.locator("li.result[data-institution=de-tum]")).to_have_count(1)
    expect(visitor.locator("li.result")).to_have_count(3)
    visitor.goto(FIND_MANUFACTURING_IN_GERMANY)
    expect(visitor.locator(".match-list > li.match").first).to_have_attribute("data-match", "de-tum")

    # Olivia signs in with her authenticator code and suspends TUM on the office's list, in English.
    olivia = open_page("en")
    sign_in_with_authenticator(olivia, "en", people["olivia"], "olivia@example.org")
    olivia.goto("/en/office/institutions/")
    row = olivia.locator("section.office-institution[data-institution=de-tum]")
    expect(row).to_have_attribute("data-status", "active")
    form = row.locator("form.status-form")
    form.locator("select[name=to_status]").select_option(InstitutionStatus.SUSPENDED)
    # Without a reason the browser does not send the form.
    form.locator("button[type=submit]").click()
    reason = form.locator("textarea[name=reason]")
    assert reason.evaluate("field => field.validity.valueMissing")
    expect(row).to_have_attribute("data-status", "active")
    reason.fill("Three groups reported missing interpreters in 2026.")
    form.locator("button[type=submit]").click()
    with translation.override("en"):
        suspended = str(InstitutionStatus.SUSPENDED.label)
    expect(olivia.locator(".messages")).to_contain_text(
        said(
            "en",
            "%(name)s is now %(status)s. Its staff have been told why by email.",
            name="Technical University of Munich",
            status=suspended,
        )
    )
    expect(row).to_have_attribute("data-status", "suspended")
    expect(row).to_contain_text("Three groups reported missing interpreters in 2026.")
    snap(olivia, "quality-07-office-suspended")

    # The visitor no longer finds TUM: not in the directory, not in the matches, where KIT moves up.
    visitor.goto("/zh-hans/institutions/")
    expect(visitor.locator("li.result")).to_have_count(2)
    expect(visitor.locator("li.result[data-institution=de-tum]")).to_have_count(0)
    expect(visitor.locator(".result-count")).to_have_text(
        said_count("zh-hans", "%(counter)s institution", "%(counter)s institutions", 2)
    )
    visitor.goto(FIND_MANUFACTURING_IN_GERMANY)
    matches = visitor.locator(".match-list > li.match")
    expect(matches).to_have_count(1)
    expect(matches.first).to_have_attribute("data-match", "de-kit")
    expect(visitor.locator("main")).not_to_contain_text("慕尼黑工业大学")
    # Its own page, reached by an old link, says it is not admitted.
    visitor.goto("/zh-hans/institutions/de-tum/")
    expect(visitor.locator("[data-status=suspended]")).to_contain_text(
        said("zh-hans", "This institution is not currently admitted.")
    )
    snap(visitor, "quality-08-visitor-after-suspension")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_link_opened_before_the_training_says_when_it_opens_and_each_side_prints_only_its_own(
    open_page,
    live_server,
    people,
    agreed,  # noqa: F811
    language,
):
    start = timezone.localdate() + datetime.timedelta(days=5)
    group = open_training_group(
        agreed, by=people["xu"], **group_terms(start_date=start, end_date=start + datetime.timedelta(days=13))
    )
    anna = open_page(language)
    sign_in(anna, language, "anna@example.org", "pw")
    anna.goto(f"/{language}/training-groups/{group.pk}/qr/")
    expect(anna.locator(".qr-card svg")).to_have_count(1)
    expect(anna.locator(".qr-card[data-side=unit]")).to_have_count(0)
    snap(anna, f"qr-institution-only-{language}")

    phone = open_page(language, phone=True)
    phone.goto(evaluation_path(anna, "institution"))
    notice = phone.locator("[data-not-open]")
    expect(notice).to_contain_text(start.isoformat())
    expect(phone.locator(".training-evaluate form")).to_have_count(0)
    assert fits_the_phone(phone), page_widths(phone)
    snap(phone, f"evaluate-not-open-{language}")
