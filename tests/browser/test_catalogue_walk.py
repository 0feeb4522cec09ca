"""A visitor walks the catalogue in Chromium: home, directory, a country filter, an institution, a course,
then switches the language and reads the same course in English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_visitor_walks_from_home_to_a_course_and_switches_language(page: Page, live_server, small_catalogue):
    page.goto(live_server.url + "/")
    # The browser asks for Chinese, so the first visit lands on the Chinese site.
    expect(page).to_have_url(re.compile(r"/zh-hans/$"))
    expect(page.locator("h1")).to_contain_text("培训机构")

    page.locator(".main-nav").get_by_role("link", name="培训机构").click()
    expect(page).to_have_title(re.compile("培训机构"))
    expect(page.locator(".result-count")).to_contain_text("2")

    page.locator("[data-facet=country]").get_by_label(re.compile("德国")).check()
    expect(page).to_have_url(re.compile(r"country=DE"))
    expect(page.locator(".result")).to_have_count(1)
    expect(page.locator(".result h2")).to_have_text("慕尼黑工业大学")

    page.get_by_role("link", name="慕尼黑工业大学").click()
    expect(page.locator("h1")).to_have_text("慕尼黑工业大学")
    expect(page.locator("[data-quality]")).to_contain_text("4.2")

    page.get_by_role("link", name="面向工厂管理者的工业4.0").click()
    expect(page.locator("h1")).to_have_text("面向工厂管理者的工业4.0")
    expect(page.get_by_text("三周数字化生产课程。")).to_be_visible()

    page.locator("[data-language=en]").click()
    expect(page).to_have_url(re.compile(r"/en/institutions/de-tum/de-tum-im-01/$"))
    expect(page.locator("h1")).to_have_text("Industry 4.0 for plant managers")
    expect(page).to_have_title(re.compile("Industry 4.0 for plant managers"))
    expect(page.get_by_text("Three weeks on digital production.")).to_be_visible()
    expect(page.locator(".main-nav")).to_contain_text("Institutions")
