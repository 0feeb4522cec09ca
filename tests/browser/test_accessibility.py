"""axe-core in Chromium on every page each role reaches (the access matrix's worlds, crawled link by link):
no serious or critical violation. axe-core is npm's package, unpacked by `make install` into
tests/browser/vendor/ (git-ignored) and injected into each page by Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from catalog.models import QualityLabelRule
from tests.crawl import ROLES, crawl, shape
from tests.factories import make_evaluation
from tests.test_access_matrix import planning_world, training_world, world  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VENDOR = Path(__file__).parent / "vendor"
FAILING = {"serious", "critical"}


def axe_script() -> Path:
    found = sorted(VENDOR.glob("axe-*.min.js"))
    if not found:
        raise RuntimeError("axe-core is missing from tests/browser/vendor/: run `make install`.")
    return found[-1]


def violations(page, url: str) -> list[str]:
    """The serious and critical violations axe-core finds on one page, one line each."""
    page.goto(url)
    page.add_script_tag(path=str(axe_script()))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{url}: {violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
                    for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in FAILING
    ]  # fmt: skip


def signed_in_context(browser, browser_context_args, live_server, people, role: str):
    """A browser context of its own for the role, signed in with a session the test client opened (it
    counts as a sign-in with both factors, see tests/conftest.py), and that client for the crawl."""
    client = Client()
    context = browser.new_context(**browser_context_args, base_url=live_server.url)
    if role != "anon":
        client.force_login(people[role])
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return client, context


# The anonymous visitor reads the public pages in both languages; the signed-in roles add the pages only they
# reach, each page checked once for the first role that reaches it (one kind of page with another query
# counts once, tests.crawl.shape).
ORDER = ("anon", "xu", "yang", "anna", "bruno", "eve", "olivia")


def hold_the_quality_label(institution) -> None:
    """The institution earns the quality label, so its badge is on the cards and pages axe reads."""
    rule = QualityLabelRule.load()
    rule.min_evaluations, rule.recent_years, rule.min_mean = 3, 3, 4.2
    rule.save()
    for number in range(3):
        make_evaluation(f"ev-label-{number}", institution, 5.0, date=timezone.localdate())


def test_no_page_any_role_reaches_has_a_serious_accessibility_violation(
    browser, browser_context_args, live_server, people, request
):
    assert set(ORDER) == set(ROLES)
    built = request.getfixturevalue("planning_world")
    hold_the_quality_label(request.getfixturevalue("small_catalogue")["tum"])
    checked, found, badges = set(), [], 0
    for role in ORDER:
        client, context = signed_in_context(browser, browser_context_args, live_server, people, role)
        page = context.new_page()
        for language in ["zh-hans", "en"] if role == "anon" else ["zh-hans"]:
            pages = crawl(client, role, built, language)
            badges += sum("data-quality-label" in html for html in pages.values())
            urls = [url for url in pages if shape(url) not in checked]
            assert role != "anon" or len(urls) > 10
            for url in urls:
                checked.add(shape(url))
                found.extend(violations(page, url))
        context.close()
    assert len(checked) > 60
    assert badges, "no page showed the quality label's badge"
    assert not found, "\n".join(found)


def test_axe_finds_a_serious_violation_where_there_is_one(browser, browser_context_args, live_server):
    """The check can fail: an image without a text alternative is a critical violation."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    page.add_script_tag(path=str(axe_script()))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    context.close()
    assert "image-alt" in {violation["id"] for violation in result["violations"]}
