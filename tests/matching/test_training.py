"""Training groups: opened by the unit from an agreed inquiry, with a log both sides can write and export,
and a two-way evaluation behind QR-code links that stays sealed until both sides have answered."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation
from django.utils.translation import gettext

from catalog.models import Evaluation
from matching.choices import InquiryStatus
from matching.models import GroupEvaluation, TrainingGroup
from matching.services.negotiation import move_status, post_message, propose
from matching.services.training import (
    TrainingRefused,
    add_log_entry,
    open_training_group,
    release_expired_evaluations,
    submit_evaluation,
    visible_evaluations,
)
from search.ranking import rank
from tests.factories import activate_totp, make_evaluation
from tests.matching.test_negotiation import demand, terms, thread  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

UNIT_SCORES = {"curriculum": 5, "teaching": 4, "organisation": 5, "logistics": 4, "usefulness": 5}
INSTITUTION_SCORES = {"attendance": 5, "preparation": 4, "engagement": 3}


@pytest.fixture
def people(people):
    activate_totp(people["olivia"])
    return people


@pytest.fixture
def agreed(thread, people):  # noqa: F811
    """TUM proposed a programme and Xu's unit marked the inquiry agreed."""
    post_message(thread, by=people["anna"], text="Gerne.")
    propose(thread, by=people["anna"], **terms())
    return move_status(thread, InquiryStatus.AGREED, by=people["xu"])


def group_terms(**extra) -> dict:
    start = timezone.localdate() - datetime.timedelta(days=20)
    values = {
        "start_date": start,
        "end_date": start + datetime.timedelta(days=13),
        "cities": "Munich",
        "participants": 12,
        "leader_name": "王组长",
    }
    return {**values, **extra}


@pytest.fixture
def group(agreed, people):
    return open_training_group(agreed, by=people["xu"], **group_terms())


def test_a_group_opens_only_from_an_agreed_inquiry(thread, people):  # noqa: F811
    with pytest.raises(TrainingRefused):
        open_training_group(thread, by=people["xu"], **group_terms())
    assert not TrainingGroup.objects.exists()


def test_only_the_unit_opens_the_group(agreed, people):
    with pytest.raises(TrainingRefused):
        open_training_group(agreed, by=people["anna"], **group_terms())


def test_the_unit_opens_the_group_from_the_inquiry_page(agreed, people, client):
    client.force_login(people["xu"])
    page = client.get(f"/en/inquiries/{agreed.pk}/").text
    assert "data-open-training-group" in page
    response = client.post(
        f"/en/inquiries/{agreed.pk}/training-group/",
        {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in group_terms().items()},
    )
    group = TrainingGroup.objects.get(inquiry=agreed)
    assert response.status_code == 302 and response["Location"].endswith(f"/training-groups/{group.pk}/")
    assert group.created_by == people["xu"] and group.unit_token != group.institution_token


def test_a_date_past_2100_is_a_form_error_in_the_readers_language(agreed, people, client):
    client.force_login(people["xu"])
    far = group_terms(end_date=datetime.date(9999, 12, 31))
    response = client.post(
        f"/zh-hans/inquiries/{agreed.pk}/training-group/",
        {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in far.items()},
    )
    assert response.status_code == 400
    with translation.override("zh-hans"):
        refused = gettext("Enter a date no later than %(limit_value)s.") % {"limit_value": "2100-12-31"}
    assert response.context["form"].errors["end_date"] == [refused]
    assert not TrainingGroup.objects.exists()


def test_the_page_of_a_group_ending_on_the_calendars_last_day_answers(agreed, people, client):
    group = open_training_group(agreed, by=people["xu"], **group_terms(end_date=datetime.date.max))
    client.force_login(people["xu"])
    assert client.get(f"/en/training-groups/{group.pk}/").status_code == 200


def test_institution_cannot_open_the_group_page(agreed, people, client):
    client.force_login(people["anna"])
    assert client.get(f"/en/inquiries/{agreed.pk}/training-group/").status_code == 403


def test_log_entries_are_added_by_both_sides_shown_by_date_and_exported(group, people, client):
    day = group.start_date
    add_log_entry(
        group,
        by=people["xu"],
        date=day + datetime.timedelta(days=1),
        place="Garching",
        content="Robotics lab",
        hours=6,
    )
    client.force_login(people["anna"])
    response = client.post(
        f"/en/training-groups/{group.pk}/log/",
        {"date": day.isoformat(), "place": "München", "content": "Welcome, 工业4.0 overview", "hours": "3.5"},
    )
    assert response.status_code == 302
    page = client.get(f"/en/training-groups/{group.pk}/").text
    assert page.index("München") < page.index("Garching")
    export = client.get(f"/en/training-groups/{group.pk}/log.csv")
    assert export["Content-Type"].startswith("text/csv")
    body = export.content.decode("utf-8-sig")
    assert "工业4.0" in body and "Robotics lab" in body
    assert body.index("München") < body.index("Garching")


def test_log_text_that_would_run_as_a_spreadsheet_formula_is_exported_as_text(group, people, client):
    client.force_login(people["anna"])
    response = client.post(
        f"/en/training-groups/{group.pk}/log/",
        {
            "date": group.start_date.isoformat(),
            "place": "@SUM(1)",
            "content": '=HYPERLINK("http://evil","x")',
            "hours": "2",
            "notes": "-2+3",
        },
    )
    assert response.status_code == 302
    export = client.get(f"/en/training-groups/{group.pk}/log.csv")
    header, row = csv.reader(io.StringIO(export.content.decode("utf-8-sig")))
    assert row[1:5] == ["'@SUM(1)", '\'=HYPERLINK("http://evil","x")', "2.0", "'-2+3"]


def test_the_office_reads_but_does_not_write_the_log(group, people, client):
    client.force_login(people["olivia"])
    assert client.get(f"/en/training-groups/{group.pk}/").status_code == 200
    response = client.post(
        f"/en/training-groups/{group.pk}/log/",
        {"date": group.start_date.isoformat(), "place": "x", "content": "y", "hours": "1"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["yang", "bruno"])
def test_other_units_and_institutions_get_404(group, people, client, name):
    client.force_login(people[name])
    for path in ("", "log.csv", "qr/"):
        assert client.get(f"/en/training-groups/{group.pk}/{path}").status_code == 404


@pytest.mark.parametrize(
    ("name", "own", "other"), [("xu", "unit", "institution"), ("anna", "institution", "unit")]
)
def test_each_side_sees_only_its_own_link_and_qr_code(group, people, client, name, own, other):
    client.force_login(people[name])
    page = client.get(f"/zh-hans/training-groups/{group.pk}/qr/").text
    assert page.count("<svg") == 1
    assert getattr(group, f"{own}_token") in page
    assert getattr(group, f"{other}_token") not in page


def test_institution_staff_cannot_use_the_groups_link_to_rate_their_own_institution(group, people, client):
    client.force_login(people["anna"])
    url = f"/en/evaluate/{group.unit_token}/"
    assert client.get(url).status_code == 403
    assert client.post(url, {name: 5 for name in UNIT_SCORES}).status_code == 403
    assert not Evaluation.objects.filter(external_id__startswith=f"ev-{group.pk}-").exists()
    group.refresh_from_db()
    assert group.unit_submitted_at is None
    # Nor may the unit's members fill in the institution's side.
    client.force_login(people["xu"])
    assert client.post(f"/en/evaluate/{group.institution_token}/", INSTITUTION_SCORES).status_code == 403


def test_wrong_token_is_404(client):
    assert client.get("/en/evaluate/not-a-token/").status_code == 404


def test_each_side_submits_once_through_the_form(group, client):
    url = f"/en/evaluate/{group.institution_token}/"
    assert 'name="engagement"' in client.get(url).text
    response = client.post(url, {**INSTITUTION_SCORES, "comment": "Well prepared."})
    assert "data-thanks" in response.text
    assert "data-used" in client.get(url).text
    assert "data-used" in client.post(url, {**INSTITUTION_SCORES}).text
    assert Evaluation.objects.filter(external_id=f"ev-{group.pk}-institution").count() == 1
    with pytest.raises(TrainingRefused):
        submit_evaluation(group.institution_token, INSTITUTION_SCORES)


def test_a_score_out_of_range_is_a_form_error(group, client):
    response = client.post(f"/en/evaluate/{group.unit_token}/", {**UNIT_SCORES, "teaching": 7})
    assert response.status_code == 400
    assert not Evaluation.objects.filter(external_id__startswith=f"ev-{group.pk}-").exists()


def test_the_units_evaluation_becomes_a_catalogue_evaluation(group, small_catalogue):
    evaluation = submit_evaluation(group.unit_token, UNIT_SCORES, "Excellent labs.")
    assert evaluation.external_id == f"ev-{group.pk}-unit"
    assert evaluation.direction == "unit_to_institution"
    assert evaluation.institution == small_catalogue["tum"]
    assert evaluation.overall == pytest.approx(4.6)
    assert evaluation.group_size == 12 and evaluation.days == 14
    other = submit_evaluation(group.institution_token, INSTITUTION_SCORES)
    assert other.direction == "institution_to_unit" and other.external_id == f"ev-{group.pk}-institution"


def test_each_evaluation_is_linked_to_its_group_and_side(group):
    unit = submit_evaluation(group.unit_token, UNIT_SCORES)
    institution = submit_evaluation(group.institution_token, INSTITUTION_SCORES)
    links = {(link.side, link.evaluation) for link in group.evaluations.all()}
    assert links == {("unit", unit), ("institution", institution)}


def test_an_imported_evaluation_with_an_id_shaped_like_a_groups_is_not_that_groups(
    group, people, small_catalogue
):
    submit_evaluation(group.unit_token, UNIT_SCORES)
    make_evaluation(f"ev-{group.pk}-institution", small_catalogue["wur"], 2.0, comment="Another training.")
    group.end_date = timezone.localdate() - datetime.timedelta(days=31)
    group.start_date = group.end_date - datetime.timedelta(days=13)
    group.save()
    shown = visible_evaluations(group, people["xu"])
    assert shown["unit"] is not None and shown["institution"] is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_links_the_evaluations_groups_gave_by_their_ids(group, small_catalogue):
    submit_evaluation(group.unit_token, UNIT_SCORES)
    # The other side's id, but for another institution and direction: imported, not this group's.
    make_evaluation(f"ev-{group.pk}-institution", small_catalogue["wur"], 2.0)
    given = set(GroupEvaluation.objects.values_list("group", "evaluation", "side"))
    executor = MigrationExecutor(connection)
    executor.migrate([("matching", "0009_private_outcome_files")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert set(GroupEvaluation.objects.values_list("group", "evaluation", "side")) == given
    assert len(given) == 1


def test_the_evaluation_forms_name_each_sides_criteria_in_the_readers_language(group, client):
    assert "课程设置" in client.get(f"/zh-hans/evaluate/{group.unit_token}/").text
    assert "出勤情况" in client.get(f"/zh-hans/evaluate/{group.institution_token}/").text


def test_evaluations_are_sealed_until_both_have_submitted(group, people, client):
    submit_evaluation(group.unit_token, UNIT_SCORES, "Excellent labs.")
    group.refresh_from_db()
    assert visible_evaluations(group, people["xu"])["unit"] is not None
    assert visible_evaluations(group, people["anna"])["unit"] is None
    assert visible_evaluations(group, people["olivia"])["unit"] is None
    client.force_login(people["anna"])
    page = client.get(f"/en/training-groups/{group.pk}/").text
    assert "data-sealed" in page and "Excellent labs." not in page

    submit_evaluation(group.institution_token, INSTITUTION_SCORES, "Keen group.")
    page = client.get(f"/en/training-groups/{group.pk}/").text
    assert "data-sealed" not in page and "Excellent labs." in page and "Keen group." in page


def test_the_seal_lifts_30_days_after_the_end_date(group, people):
    submit_evaluation(group.unit_token, UNIT_SCORES, "Excellent labs.")
    group.refresh_from_db()
    assert group.is_sealed()
    group.end_date = timezone.localdate() - datetime.timedelta(days=31)
    group.start_date = group.end_date - datetime.timedelta(days=13)
    group.save()
    assert not group.is_sealed()
    assert visible_evaluations(group, people["anna"])["unit"].comment == "Excellent labs."


def public_page_of_tum(client) -> str:
    """The institution's public page, without the form token that changes with every request."""
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", client.get("/en/institutions/de-tum/").text)


def quality_of_tum(demand) -> float:  # noqa: F811
    match = next(m for m in rank(demand.as_record(), top=5) if m.external_id == "de-tum")
    return match.signals["quality"]


def test_a_poor_evaluation_lowers_the_institutions_quality_signal_once_unsealed(group, demand):  # noqa: F811
    before = quality_of_tum(demand)
    submit_evaluation(group.unit_token, {name: 1 for name in UNIT_SCORES}, "Disappointing.")
    assert quality_of_tum(demand) == before
    submit_evaluation(group.institution_token, INSTITUTION_SCORES)
    assert quality_of_tum(demand) < before


def test_a_sealed_evaluation_counts_nowhere_until_the_other_side_answers(
    group,
    demand,  # noqa: F811
    small_catalogue,
    client,
):
    from catalog.quality import institutions_below
    from matching.statistics import evaluations_by_institution

    tum = small_catalogue["tum"]
    page_before = public_page_of_tum(client)
    record_before = tum.quality_record()
    table_before = evaluations_by_institution().rows
    signal_before = quality_of_tum(demand)

    submit_evaluation(group.unit_token, {name: 1 for name in UNIT_SCORES}, "Disappointing.")
    assert Evaluation.objects.get(external_id=f"ev-{group.pk}-unit").sealed_until == group.sealed_until()
    assert public_page_of_tum(client) == page_before
    assert tum.quality_record() == record_before
    assert evaluations_by_institution().rows == table_before
    assert institutions_below(4.0, datetime.date(2000, 1, 1)) == []
    assert quality_of_tum(demand) == signal_before

    submit_evaluation(group.institution_token, INSTITUTION_SCORES)
    assert not Evaluation.objects.filter(sealed_until__isnull=False).exists()
    assert tum.quality_record().count == record_before.count + 1
    assert evaluations_by_institution().rows != table_before
    assert [row["institution_id"] for row in institutions_below(4.0, datetime.date(2000, 1, 1))] == [tum.pk]
    assert quality_of_tum(demand) < signal_before


def test_a_sealed_evaluation_is_released_once_the_window_closes(group, demand, small_catalogue):  # noqa: F811
    submit_evaluation(group.unit_token, {name: 1 for name in UNIT_SCORES}, "Disappointing.")
    before = quality_of_tum(demand)
    closes = group.sealed_until()
    assert release_expired_evaluations(today=closes) == 0
    assert quality_of_tum(demand) == before
    assert release_expired_evaluations(today=closes + datetime.timedelta(days=1)) == 1
    assert small_catalogue["tum"].quality_record().count == 3
    assert quality_of_tum(demand) < before


def test_an_evaluation_link_opens_on_the_groups_first_day(agreed, people, client):
    start = timezone.localdate() + datetime.timedelta(days=3)
    future = open_training_group(
        agreed, by=people["xu"], **group_terms(start_date=start, end_date=start + datetime.timedelta(days=13))
    )
    url = f"/en/evaluate/{future.unit_token}/"
    page = client.get(url).text
    assert "data-not-open" in page and 'name="teaching"' not in page
    client.post(url, UNIT_SCORES)
    with pytest.raises(TrainingRefused):
        submit_evaluation(future.unit_token, UNIT_SCORES)
    assert not Evaluation.objects.filter(external_id__startswith=f"ev-{future.pk}-").exists()
    assert "第一天" in client.get(f"/zh-hans/evaluate/{future.unit_token}/").text


def test_a_log_entry_falls_within_the_training(group, people, client):
    client.force_login(people["xu"])
    day_before = group.start_date - datetime.timedelta(days=1)
    entry = {"date": day_before.isoformat(), "place": "Munich", "content": "Arrival", "hours": "2"}
    response = client.post(f"/en/training-groups/{group.pk}/log/", entry)
    assert response.status_code == 400
    assert "within the training" in response.text and "Arrival" in response.text
    assert not group.log_entries.exists()
    with pytest.raises(TrainingRefused):
        add_log_entry(
            group,
            by=people["xu"],
            date=group.end_date + datetime.timedelta(days=1),
            place="x",
            content="x",
            hours=1,
        )
    add_log_entry(group, by=people["xu"], date=group.end_date, place="Munich", content="Closing", hours=1)
    assert group.log_entries.count() == 1


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_group_form_fills_its_dates_from_the_proposal_as_iso_in_both_languages(
    agreed, people, client, language
):
    proposal = agreed.proposals.get()
    client.force_login(people["xu"])
    page = client.get(f"/{language}/inquiries/{agreed.pk}/training-group/").text
    for name in ("start_date", "end_date"):
        value = getattr(proposal, name).isoformat()
        assert re.search(rf'<input type="date" name="{name}" value="{value}"', page)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_date_input_of_the_site_renders_iso(language):
    from matching.forms.negotiation import ProposalForm
    from matching.forms.planning import PlanYearForm, SummaryForm
    from matching.views.training import GroupForm, LogEntryForm

    day = datetime.date(2027, 4, 5)
    forms = [
        ProposalForm(initial={"start_date": day, "end_date": day}),
        GroupForm(initial={"start_date": day, "end_date": day}),
        LogEntryForm(initial={"date": day}),
        SummaryForm(initial={"returned_on": day}),
        PlanYearForm(initial={"deadline": day}),
    ]
    with translation.override(language):
        for form in forms:
            dates = [field for field in form if getattr(field.field.widget, "input_type", "") == "date"]
            assert dates and all('value="2027-04-05"' in str(field) for field in dates), type(form)
