"""The portal's Chinese catalogue and the ones Django, allauth and Wagtail ship: the portal's words never
override the admin's with another meaning, and what Django and allauth say to a person is in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import wagtail
from allauth.account.forms import SignupForm
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

PORTAL = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

# Words Wagtail's admin and the portal both use, where the portal's Chinese word means the same thing in the
# admin (the portal's vocabulary then reads alike on both sides). A word whose meaning differs takes a
# context in the portal (pgettext) instead, like "Pages" (分页) or "History" (洽谈记录).
SAME_MEANING = {
    "Actions": "操作",
    "All": "全部",
    "Change": "修改",
    "log entry": "日志记录",
    "log entries": "日志记录",
    "Changes requested": "需修改",
    "Created": "新增",
    "Dashboard": "工作台",
    "Email": "邮件",
    "Filter": "筛选",
    "Name": "名称",
    "Next": "下一页",
    "Notifications": "消息通知",
    "Previous": "上一页",
    "Rejected": "不予批准",
    "Show": "查看",
    "Sort by": "排序",
    "Summary": "摘要",
    "Updated": "更新",
    "Warnings": "警示",
    "comment": "评语",
}


def entries(path: Path) -> dict[tuple[str, str], str]:
    """(context, msgid) → msgstr of a .po file's translated, not fuzzy, singular entries."""
    found = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if "#, fuzzy" in block or "msgid_plural" in block:
            continue

        def joined(keyword: str, block: str = block) -> str | None:
            match = re.search(rf'^{keyword} ((?:".*"\n?)+)', block, re.M)
            return "".join(re.findall(r'"(.*)"', match.group(1))) if match else None

        msgid, msgstr = joined("msgid"), joined("msgstr")
        if msgid and msgstr:
            found[(joined("msgctxt") or "", msgid)] = msgstr
    return found


def wagtails() -> dict[tuple[str, str], set[str]]:
    translations: dict[tuple[str, str], set[str]] = {}
    for po in Path(wagtail.__file__).parent.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        for key, msgstr in entries(po).items():
            translations.setdefault(key, set()).add(msgstr)
    return translations


def test_the_portals_catalogue_keeps_the_meaning_of_wagtails_admin_words():
    theirs = wagtails()
    overridden = {
        msgid: msgstr
        for (context, msgid), msgstr in entries(PORTAL).items()
        if (context, msgid) in theirs
        and msgstr not in theirs[(context, msgid)]
        and SAME_MEANING.get(msgid) != msgstr
    }
    assert not overridden


def test_the_admin_reads_pages_and_history_in_wagtails_words_and_the_portal_in_its_own():
    with translation.override("zh-hans"):
        assert translation.gettext("Pages") == "页面"
        assert translation.gettext("History") == "历史"
        assert translation.pgettext("pagination", "Pages") == "分页"
        assert translation.pgettext("inquiry", "History") == "洽谈记录"
        assert translation.pgettext("institution status", "History") == "状态变更记录"
        assert translation.pgettext("person", "Name") == "姓名"


def test_an_experts_name_is_labelled_as_a_persons():
    from matching.forms.demands import SignReviewForm

    with translation.override("zh-hans"):
        assert str(SignReviewForm().fields["name"].label) == "姓名"


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["1", "12345678", "password"])
def test_the_password_validators_speak_chinese(password):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as refused:
            validate_password(password)
        for message in refused.value.messages:
            assert not LATIN_WORD.search(message), message


@pytest.mark.django_db
def test_allauths_sign_up_errors_speak_chinese():
    with translation.override("zh-hans"):
        form = SignupForm(data={"email": "not an address", "password1": "a", "password2": "b"})
        assert not form.is_valid()
        messages = [message for errors in form.errors.values() for message in errors]
        assert messages
        for message in messages:
            assert not LATIN_WORD.search(message), message
