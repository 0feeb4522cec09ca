"""The office's "groups abroad now": the training groups between their first and last day today, where
they are, and the last entry of each one's log."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from matching.models import TrainingGroup
from matching.services.training import add_log_entry, open_training_group
from tests.matching import test_training

pytestmark = pytest.mark.django_db

people, agreed, thread, demand = (
    test_training.people,
    test_training.agreed,
    test_training.thread,
    test_training.demand,
)
TODAY = timezone.localdate()


def abroad(agreed, people, start_offset: int, days: int = 14) -> TrainingGroup:
    start = TODAY + datetime.timedelta(days=start_offset)
    terms = test_training.group_terms(start_date=start, end_date=start + datetime.timedelta(days=days - 1))
    return open_training_group(agreed, by=people["xu"], **terms)


def test_a_group_abroad_today_shows_where_it_is_and_its_last_log_entry(client, people, agreed):
    group = abroad(agreed, people, -3)
    for offset, place, content in ((-3, "Garching", "Opening"), (-1, "Munich", "LAST-ENTRY robotics lab")):
        add_log_entry(group, by=people["xu"], date=TODAY + datetime.timedelta(days=offset), place=place,
                      content=content, hours=6)  # fmt: skip
    client.force_login(people["olivia"])
    response = client.get("/zh-hans/office/groups-abroad/")
    assert response.status_code == 200
    assert [g.pk for g in response.context["groups"]] == [group.pk]
    body = response.content.decode()
    assert "LAST-ENTRY robotics lab" in body and "Opening" not in body and "Munich" in body
    assert "1个团组" in body or "1 个团组" in body


@pytest.mark.parametrize("start_offset, days, shown", [(0, 1, True), (-13, 14, True), (1, 14, False),
                                                       (-14, 14, False)])  # fmt: skip
def test_only_groups_between_their_first_and_last_day_are_abroad(people, agreed, start_offset, days, shown):
    group = abroad(agreed, people, start_offset, days)
    assert (group in TrainingGroup.objects.abroad_on(TODAY)) == shown


def test_no_group_abroad_says_so_in_english(client, people):
    client.force_login(people["olivia"])
    body = client.get("/en/office/groups-abroad/?page=x%00").content.decode()
    assert "No training group is abroad today." in body


@pytest.mark.parametrize("role", ["anna", "xu", "eve"])
def test_only_the_office_sees_the_groups_abroad(client, people, role):
    client.force_login(people[role])
    assert client.get("/en/office/groups-abroad/").status_code == 403
