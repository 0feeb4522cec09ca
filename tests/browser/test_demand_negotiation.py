"""A new organizing-unit member signs up, verifies the email, posts a demand and fixes the policy error the
form shows as they type; an expert signs the review it needs; the member publishes it, contacts TUM from
the matches; Anna (TUM staff) replies with a proposal; the unit marks it agreed; both read the history.
The whole flow runs once in Chinese and once in English, each person in a browser context of their own."""

from __future__ import annotations

import datetime
import os
import re
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from matching.choices import InquiryStatus
from matching.forms.negotiation import teaching_language_label

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Robot-Fabrik-2024!"
BROWSER_LOCALE = {"zh-hans": "zh-CN", "en": "en-US"}
HTML_LANG = {"zh-hans": "zh-Hans", "en": "en"}
TUM_NAME = {"zh-hans": "慕尼黑工业大学", "en": "Technical University of Munich"}
# What the member types, in the language they work in.
TYPED = {
    "zh-hans": {
        "unit": "浙江省科学技术厅",
        "title": "工业机器人与数字化工厂培训",
        "contact": "我们计划组织20人赴德国学习工业机器人应用，请介绍贵校的培训项目。",
    },
    "en": {
        "unit": "Zhejiang Provincial Department of Science and Technology",
        "title": "Industrial robotics and digital factory training",
        "contact": "We plan a group of 20 to study industrial robotics in Germany; what could you offer?",
    },
}
# The group-size finding, as matching/rules.py words it in each language.
GROUP_SIZE_FINDING = {
    "zh-hans": "团组人数30人，超过25人的上限。",
    "en": "The group has 30 people; the limit is 25.",
}


def said(language: str, message: str, **values) -> str:
    """The interface's text as a person reading `language` sees it (whatever the catalogue holds now)."""
    with translation.override(language):
        text = gettext(message)
    return text % values if values else text


def status_label(language: str, status: InquiryStatus) -> str:
    with translation.override(language):
        return str(status.label)


def snap(page: Page, name: str) -> None:
    """A screenshot for a person writing or debugging these tests: only with BROWSER_SCREENSHOTS=/tmp/…"""
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder and folder.startswith("/tmp"):
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def mail_link(to: str, pattern: str, live_server_url: str) -> str:
    """The link matching `pattern` in the latest email to `to`, on the live server (site emails carry
    WAGTAILADMIN_BASE_URL's host). The live server runs in this process, so mail.outbox is shared."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for message in reversed(mail.outbox):
            if to in message.to and (found := re.search(pattern, message.body)):
                return live_server_url + found.group("path")
        time.sleep(0.1)
    raise AssertionError(f"No email to {to} with {pattern!r}: {[m.subject for m in mail.outbox]}")


@pytest.fixture
def person_page(browser, browser_context_args, live_server):
    """Opens a page in a browser context of its own (own cookies: one person each), asking for the
    given language, with relative addresses on the live server."""
    cache.clear()  # allauth's rate limits count in the cache; other tests may have signed in from here
    contexts = []

    def open_page(language: str) -> Page:
        context = browser.new_context(
            **{**browser_context_args, "locale": BROWSER_LOCALE[language], "base_url": live_server.url}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page: Page, language: str, email: str, password: str, next_url: str = "") -> None:
    page.goto(f"/{language}/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".account-nav .account-name")).to_have_text(email)


def sign_up_and_verify(page: Page, language: str, email: str, unit: str, live_server_url: str) -> None:
    """Sign-up with a new organizing unit, the link from the verification email, then signing in."""
    page.goto(f"/{language}/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[language])
    expect(page.locator("h1")).to_have_text(said(language, "Sign Up"))
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_new_unit").fill(unit)
    snap(page, f"{language}-01-signup")
    page.locator("form.form-signup button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{language}/accounts/confirm-email/$"))

    link = mail_link(email, r"https?://[^/\s]+(?P<path>/[\w-]+/accounts/confirm-email/\S+)", live_server_url)
    page.goto(link)
    snap(page, f"{language}-02-confirm")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{language}/accounts/login/"))
    sign_in(page, language, email, PASSWORD)
    expect(page).to_have_url(re.compile(rf"/{language}/dashboard/$"))


def fill_demand(page: Page, language: str, group_size: str) -> None:
    """A short-term professional demand on intelligent manufacturing in Germany (TUM's field and country)."""
    page.locator("#id_title").fill(TYPED[language]["title"])
    page.locator("#id_topic").fill("工业机器人应用与数字化工厂 / industrial robots and digital factories")
    page.locator("#id_content").fill("学习德国工业4.0经验，国内暂无同类培训。")
    page.locator("input[name=fields][value=intelligent-manufacturing]").check()
    page.locator("#id_category").select_option("professional")
    page.locator("input[name=destinations][value=DE]").check()
    page.locator("#id_days").fill("21")
    page.locator("#id_cities").fill("2")
    page.locator("#id_group_size").fill(group_size)
    page.locator("#id_participants_max_age").fill("50")
    page.locator("#id_participants_min_years_to_retirement").fill("8")
    page.locator("input[name=special_project_kind][value=none]").check()
    page.locator("#id_organizer_level").select_option("provincial")
    page.locator("input[name=visibility][value=public]").check()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_new_unit_member_posts_a_demand_contacts_tum_and_agrees_on_its_proposal(
    person_page, live_server, people, language
):
    typed = TYPED[language]
    email = f"new-member-{language}@example.org"

    # (1) Sign-up with a new organizing unit, email verification, signing in.
    member = person_page(language)
    sign_up_and_verify(member, language, email, typed["unit"], live_server.url)

    # (2) The demand form shows the group-size error beside the field as the member types, and drops it
    # once the group is within the limit.
    member.goto(f"/{language}/demands/new/")
    expect(member.locator("h1")).to_have_text(said(language, "New training demand"))
    fill_demand(member, language, group_size="30")
    group_size_findings = member.locator("[data-findings-for=group_size] [data-rule=group-size]")
    expect(group_size_findings).to_contain_text(GROUP_SIZE_FINDING[language])
    expect(group_size_findings).to_contain_text(said(language, "Error"))
    expect(member.locator("[data-key=group_size]")).to_have_class(re.compile(r"\bhas-error\b"))
    snap(member, f"{language}-03-group-size-error")
    member.locator("#id_group_size").fill("20")
    expect(group_size_findings).to_have_count(0)
    expect(member.locator("[data-key=group_size]")).not_to_have_class(re.compile(r"\bhas-error\b"))
    # What still blocks publishing: the expert review, which only an expert can sign.
    expect(member.locator("[data-findings-for=expert_review] [data-rule=expert-review]")).to_have_count(1)
    expect(member.locator("[data-count=error]")).to_have_text("1")

    # Publishing is refused while the expert review is missing: the draft is kept, the error shown.
    member.locator("button[name=action][value=publish]").click()
    expect(member).to_have_url(re.compile(rf"/{language}/demands/[\w-]+/edit/$"))
    expect(member.locator("[data-findings-for=expert_review] [data-rule=expert-review]")).to_have_count(1)
    expect(member.locator("#id_group_size")).to_have_value("20")
    demand_path = re.sub(r"edit/$", "", member.url.removeprefix(live_server.url))

    # An expert reviews it: the member invites Eve, who signs in from the link in her email and signs.
    member.locator("[data-key=expert_review] a[href$='/reviews/invite/']").click()
    member.locator("#id_email").fill("eve@example.org")
    member.locator("main form[data-invite-by-email] button[type=submit]").click()
    expect(member).to_have_url(re.compile(re.escape(demand_path) + "#reviews$"))
    expert = person_page(language)
    # The email gives the link once per language; the expert follows the one in theirs.
    review_link = mail_link(
        "eve@example.org", rf"https?://[^/\s]+(?P<path>/{language}/reviews/\S+/)", live_server.url
    )
    expert.goto(review_link)
    expert.locator("main a[href*='/accounts/login/']").click()
    expert.locator("input[name=login]").fill("eve@example.org")
    expert.locator("input[name=password]").fill("pw")
    expert.locator("main form button[type=submit]").first.click()
    expect(expert).to_have_url(review_link)
    expect(expert.locator("h1")).to_have_text(said(language, "Expert review opinion"))
    expert.locator("#id_name").fill("王教授")
    expert.locator("#id_affiliation").fill("浙江大学")
    expert.locator("#id_title").fill("教授")
    expert.locator("#id_opinion").fill("培训内容必要，与德国优势领域相符。")
    expert.locator("main form button[type=submit]").click()
    expect(expert.locator("h1")).to_have_text(said(language, "Your review opinion is signed"))

    # The member publishes; the demand passes every check now.
    member.goto(demand_path)
    expect(member.locator(".review")).to_contain_text("王教授")
    member.locator("form[action$='/publish/'] button").click()
    expect(member.locator(".status-draft")).to_have_count(0)
    expect(member.locator("form[action$='/withdraw/']")).to_be_visible()
    expect(member.locator(".finding-error")).to_have_count(0)

    # (3) The ranked matches: TUM first, named in the page's language; the member contacts it.
    expect(member.locator("h1")).to_have_text(typed["title"])
    expect(member.locator("#matches")).to_have_text(said(language, "Matching institutions"))
    first = member.locator(".match-list > li.match").first
    expect(first).to_have_attribute("data-match", "de-tum")
    expect(first.locator("h3")).to_have_text(TUM_NAME[language])
    snap(member, f"{language}-04-published-with-matches")
    first.locator("details.contact summary").click()
    first.locator("textarea[name=text]").fill(typed["contact"])
    first.locator("form[data-contact=de-tum] button[type=submit]").click()
    expect(member).to_have_url(re.compile(rf"/{language}/inquiries/\d+/$"))
    inquiry_path = member.url.removeprefix(live_server.url)
    thread = member.locator("article.inquiry")
    expect(thread).to_have_attribute("data-status", "open")
    expect(member.locator("h1")).to_have_text(f"{typed['title']} ↔ {TUM_NAME[language]}")

    # (4) Anna, TUM's staff, sees the unread notification, opens the inquiry from it, replies and proposes.
    anna = person_page(language)
    sign_in(anna, language, "anna@example.org", "pw")
    notifications = anna.locator("a.notifications-link")
    expect(notifications).to_have_attribute("data-unread", "1")
    notifications.click()
    notification = anna.locator("[data-notification]").first
    contacted = {"zh-hans": "联系了贵机构", "en": "contacted your institution"}[language]
    expect(notification).to_contain_text(contacted)
    expect(notification).to_contain_text(typed["unit"])
    notification.locator("a").click()
    expect(anna).to_have_url(re.compile(re.escape(inquiry_path) + "$"))
    expect(anna.locator(".thread-message")).to_contain_text(typed["contact"])

    anna.locator("form[action$='/reply/'] textarea[name=text]").fill(
        "Gladly: a three-week programme, see below."
    )
    anna.locator("form[action$='/reply/'] button[type=submit]").click()
    expect(anna.locator("article.inquiry")).to_have_attribute("data-status", "discussion")

    start = timezone.localdate() + datetime.timedelta(days=90)
    end = start + datetime.timedelta(days=20)
    anna.locator("details.proposal-form summary").click()
    proposal = anna.locator("form[action$='/propose/']")
    proposal.locator("#id_outline").fill(
        "Week 1: digital production. Week 2: robotics labs. Week 3: plant visits."
    )
    proposal.locator("#id_start_date").fill(start.isoformat())
    proposal.locator("#id_end_date").fill(end.isoformat())
    proposal.locator("#id_cities").fill("Munich, Stuttgart")
    proposal.locator("#id_price_per_person").fill("4800")
    proposal.locator("#id_currency").select_option("EUR")
    proposal.locator("#id_language").select_option("en+zh")
    proposal.locator("button[type=submit]").click()
    expect(anna.locator("article.inquiry")).to_have_attribute("data-status", "proposal")
    # Only the unit may mark it agreed; the institution may still decline.
    expect(anna.locator("[data-move=agreed]")).to_have_count(0)
    expect(anna.locator("[data-move=declined]")).to_be_visible()

    # (5) The member reads the proposal and marks it agreed (合作意向).
    member.goto(inquiry_path)
    # The proposal's cities, as the reader's language names them.
    cities = {"zh-hans": "慕尼黑、斯图加特", "en": "Munich, Stuttgart"}[language]
    expect(member.locator(".thread-proposal")).to_contain_text(cities)
    member.locator("[data-move=agreed]").click()
    expect(thread).to_have_attribute("data-status", "agreed")
    snap(member, f"{language}-05-agreed")

    # (6) Both read the same history: two messages, the proposal, four status events, the last "agreed".
    anna.reload()
    for page in (member, anna):
        expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[language])
        expect(page.locator("article.inquiry")).to_have_attribute("data-status", "agreed")
        expect(page.locator(".page-header .status")).to_have_text(
            status_label(language, InquiryStatus.AGREED)
        )
        said_there = page.locator("ol.thread > li[data-kind=message]")
        expect(said_there).to_have_count(2)
        expect(said_there.nth(0)).to_contain_text(typed["contact"])
        expect(said_there.nth(1)).to_contain_text("Gladly")
        entry = page.locator("ol.thread > li[data-kind=proposal]")
        expect(entry).to_have_count(1)
        expect(entry).to_contain_text(f"{start:%Y-%m-%d} – {end:%Y-%m-%d}")
        expect(entry).to_contain_text("4800.00 EUR")
        with translation.override(language):
            expect(entry).to_contain_text(teaching_language_label("en+zh"))
        events = page.locator("ol.thread > li[data-kind=event]")
        expect(events).to_have_count(4)
        expect(events.last).to_contain_text(
            said(
                language,
                "moved the status from “%(from)s” to “%(to)s”",
                **{
                    "from": status_label(language, InquiryStatus.PROPOSAL),
                    "to": status_label(language, InquiryStatus.AGREED),
                },
            )
        )
        expect(page.locator("[data-move]")).to_have_count(0)
    snap(anna, f"{language}-06-anna-history")

    # The member switches language on the thread and reads the same history in the other language.
    other = "en" if language == "zh-hans" else "zh-hans"
    member.locator(f"[data-language={other}]").click()
    expect(member).to_have_url(re.compile(rf"/{other}/inquiries/\d+/$"))
    expect(member.locator("html")).to_have_attribute("lang", HTML_LANG[other])
    expect(member.locator("h1")).to_have_text(f"{typed['title']} ↔ {TUM_NAME[other]}")
    expect(member.locator(".page-header .status")).to_have_text(status_label(other, InquiryStatus.AGREED))
    expect(member.locator("ol.thread > li")).to_have_count(7)
