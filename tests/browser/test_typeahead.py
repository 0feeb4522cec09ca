"""The typeahead in Chromium, by keyboard: on the home page a Chinese prefix suggests an institution that
Enter opens; in the directory an English synonym suggests a field that filters the list; on the find page a
country chosen joins the form's destinations; Escape closes the list. Without JavaScript the same box is a
plain search of the directory."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_typeahead_by_keyboard_and_without_javascript(
    page: Page, browser: Browser, live_server, small_catalogue
):
    """One test, as each browser test here is: its live server reloads the database once."""
    a_chinese_prefix_suggests_an_institution_that_enter_opens(page, live_server)
    a_synonym_suggests_a_field_that_filters_the_directory(page, live_server)
    a_country_chosen_on_the_find_page_joins_the_destinations(page, live_server)
    without_javascript_the_box_is_a_plain_search(browser, live_server)


def a_chinese_prefix_suggests_an_institution_that_enter_opens(page: Page, live_server):
    page.goto(live_server.url + "/zh-hans/")
    box = page.get_by_role("combobox", name="搜索培训机构")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("慕尼")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    option = listbox.get_by_role("option").first
    expect(option).to_contain_text("慕尼黑工业大学")
    expect(option).to_contain_text("Technical University of Munich")

    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    expect(box).to_be_focused()

    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".+"))
    expect(box).to_have_value("慕尼")

    box.press("ArrowDown")
    expect(listbox).to_be_visible()
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/zh-hans/institutions/de-tum/$"))
    expect(page.locator("h1")).to_have_text("慕尼黑工业大学")


def a_synonym_suggests_a_field_that_filters_the_directory(page: Page, live_server):
    page.goto(live_server.url + "/en/institutions/")
    box = page.get_by_role("combobox", name="Search")
    box.press_sequentially("robot")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options.first).to_contain_text("Intelligent manufacturing")
    expect(options.first).to_contain_text("Field")
    box.press("ArrowDown")
    box.press("ArrowUp")  # wraps to the last, and back
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"field=intelligent-manufacturing"))
    expect(page.locator(".result h2")).to_have_text(["Technical University of Munich"])


def a_country_chosen_on_the_find_page_joins_the_destinations(page: Page, live_server):
    page.goto(live_server.url + "/en/find/")
    box = page.get_by_role("combobox", name=re.compile("Add a field or destination"))
    box.press_sequentially("germ")
    expect(page.locator(".find-lookup").get_by_role("listbox").get_by_role("option").first).to_contain_text(
        "Germany"
    )
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/find/$"))
    expect(page.locator("#find-form select[name=destinations]")).to_have_values(["DE"])
    expect(box).to_have_value("")
    expect(page.get_by_role("status").filter(has_text="Added: Germany")).to_have_count(1)


def without_javascript_the_box_is_a_plain_search(browser: Browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/en/")
    box = page.get_by_role("searchbox", name="Search institutions")
    box.fill("wageningen")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/institutions/\?q=wageningen"))
    expect(page.locator(".result h2")).to_have_text(["Wageningen University & Research"])
    context.close()
