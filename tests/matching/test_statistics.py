"""The office's statistics: figures on a small data set, one query per table, downloads that parse back,
the page in both languages, and who is refused."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from catalog.choices import InstitutionStatus
from matching import statistics
from matching.models import Demand, Inquiry, InquiryEvent
from tests.factories import activate_totp, make_evaluation

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


def at(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 12))


@pytest.fixture
def people(people):
    """The shared people; Olivia has set up her authenticator app, as the office must."""
    activate_totp(people["olivia"])
    return people


@pytest.fixture
def figures(people, small_catalogue):
    """Two published demands and a draft, two inquiries (one agreed), and evaluations in both directions.
    TUM already has two evaluations (4.5 and 4.0) from the catalogue."""
    fields, countries = small_catalogue["fields"], small_catalogue["countries"]
    tum, wur = small_catalogue["tum"], small_catalogue["wur"]

    def demand(external_id: str, field_list, destinations, status="published") -> Demand:
        made = Demand.objects.create(
            external_id=external_id,
            organizing_unit=people["unit_x"],
            title=external_id,
            days=21,
            group_size=12,
            category="professional",
            status=status,
        )
        made.fields.set(field_list)
        made.destinations.set(destinations)
        return made

    robotics = demand("dm-robotics", [fields["manufacturing"], fields["agriculture"]], [countries["DE"]])
    demand("dm-factories", [fields["manufacturing"]], [countries["DE"], countries["NL"]])
    demand("dm-draft", [fields["agriculture"]], [countries["NL"]], status="draft")

    agreed = Inquiry.objects.create(demand=robotics, institution=tum, status="agreed")
    Inquiry.objects.filter(pk=agreed.pk).update(created_at=at(2024, 3, 10))
    InquiryEvent.objects.create(inquiry=agreed, from_status="", to_status="open")
    event = InquiryEvent.objects.create(inquiry=agreed, from_status="proposal", to_status="agreed")
    InquiryEvent.objects.filter(pk=event.pk).update(at=at(2024, 4, 5))
    later = Inquiry.objects.create(demand=robotics, institution=wur)
    Inquiry.objects.filter(pk=later.pk).update(created_at=at(2024, 4, 20))

    make_evaluation("ev-wur-1", wur, 3.0)
    make_evaluation("ev-wur-unit", wur, 1.0, direction="institution_to_unit")
    return small_catalogue


def rows(name: str) -> list[list]:
    return statistics.TABLES[name]().rows


def test_demands_are_counted_by_field_and_destination_in_the_readers_language(figures):
    with translation.override("zh-hans"):
        assert rows("demands-by-field") == [["智能制造", 2], ["现代农业", 1]]
        assert rows("demands-by-destination") == [["德国", 2], ["荷兰", 1]]
    with translation.override("en"):
        assert rows("demands-by-field") == [["Intelligent manufacturing", 2], ["Modern agriculture", 1]]
        assert rows("demands-by-destination") == [["Germany", 2], ["Netherlands", 1]]


def test_negotiations_opened_and_agreements_are_counted_per_month(figures):
    assert rows("negotiations-by-month") == [["2024-03", 1, 0], ["2024-04", 1, 1]]


def test_evaluations_of_institutions_are_counted_and_averaged_by_institution_and_country(figures):
    with translation.override("en"):
        assert rows("evaluations-by-institution") == [
            ["Technical University of Munich", "Germany", 2, 4.25],
            ["Wageningen University & Research", "Netherlands", 1, 3.0],
        ]
        assert rows("evaluations-by-country") == [["Germany", 2, 4.25], ["Netherlands", 1, 3.0]]


def test_institutions_are_counted_by_status_with_labels_in_the_readers_language(figures):
    for language in LANGUAGES:
        with translation.override(language):
            assert rows("institutions-by-status") == [
                [str(InstitutionStatus.ACTIVE.label), 2],
                [str(InstitutionStatus.SUSPENDED.label), 1],
                [str(InstitutionStatus.WITHDRAWN.label), 0],
            ]


def test_the_tables_take_a_fixed_number_of_queries(figures, django_assert_num_queries):
    # One query a table; by country three (two index-only reads joined in Python, and the countries).
    with django_assert_num_queries(len(statistics.TABLES) + 2):
        tables = statistics.all_tables()
    assert all(table.rows for table in tables)
    with django_assert_num_queries(len(statistics.TABLES) + 2):
        statistics.page_tables()


def test_chart_data_carries_the_labels_and_the_series(figures):
    with translation.override("en"):
        chart = statistics.negotiations_by_month().chart()
    assert chart["type"] == "line"
    assert chart["labels"] == ["2024-03", "2024-04"]
    assert chart["datasets"] == [
        {"label": "Negotiations opened", "data": [1, 1]},
        {"label": "Agreements", "data": [0, 1]},
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_office_sees_every_chart_with_its_table(client, people, figures, language):
    client.force_login(people["olivia"])
    with translation.override(language):
        url = reverse("matching:statistics")
    assert url == f"/{language}/office/statistics/"
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in page
    assert "matching/statistics.js" in page
    for name in statistics.TABLES:
        assert f'data-chart="chart-{name}"' in page
        assert f'id="chart-{name}"' in page  # the json_script block
        assert f"?table={name}&amp;format=csv" in page
        assert f"?table={name}&amp;format=xlsx" in page
    assert ("慕尼黑工业大学" in page) == (language == "zh-hans")
    assert 'data-empty="' not in page


def test_the_page_says_so_when_there_is_nothing_to_count(client, django_user_model):
    from django.contrib.auth.models import Group

    from catalog.roles import OFFICE_REVIEWERS

    olivia = django_user_model.objects.create_user(username="olivia", email="o@example.org", password="pw")
    olivia.groups.add(Group.objects.get_or_create(name=OFFICE_REVIEWERS)[0])
    activate_totp(olivia)
    client.force_login(olivia)
    response = client.get("/en/office/statistics/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-empty="') == len(statistics.TABLES)
    assert "<canvas" not in page


def test_csv_download_has_a_bom_and_headers_in_the_readers_language(client, people, figures):
    client.force_login(people["olivia"])
    response = client.get("/zh-hans/office/statistics/", {"table": "demands-by-field", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="demands-by-field.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    with translation.override("zh-hans"):
        header = [str(column) for column in statistics.demands_by_field().columns]
    parsed = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert parsed == [header, ["智能制造", "2"], ["现代农业", "1"]]


def test_xlsx_download_parses_back_with_the_rows(client, people, figures):
    client.force_login(people["olivia"])
    response = client.get("/en/office/statistics/", {"table": "evaluations-by-institution", "format": "xlsx"})
    assert response.status_code == 200
    assert 'filename="evaluations-by-institution.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Institution", "Country", "Evaluations", "Mean overall score"],
        ["Technical University of Munich", "Germany", 2, 4.25],
        ["Wageningen University & Research", "Netherlands", 1, 3.0],
    ]


@pytest.mark.parametrize("name", list(statistics.TABLES))
def test_every_table_downloads_in_both_formats(client, people, figures, name):
    client.force_login(people["olivia"])
    for file_format in ("csv", "xlsx"):
        response = client.get("/zh-hans/office/statistics/", {"table": name, "format": file_format})
        assert response.status_code == 200
        assert f'filename="{name}.{file_format}"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    with translation.override("zh-hans"):
        expected = statistics.TABLES[name]()
    assert list(next(sheet.iter_rows(values_only=True))) == expected.headers
    assert sheet.max_row == len(expected.rows) + 1


def test_an_unknown_table_or_format_is_not_found(client, people, figures):
    client.force_login(people["olivia"])
    assert client.get("/en/office/statistics/", {"table": "salaries"}).status_code == 404
    assert (
        client.get("/en/office/statistics/", {"table": "demands-by-field", "format": "pdf"}).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["xu", "anna", "eve"])
def test_people_outside_the_office_are_refused(client, people, who):
    client.force_login(people[who])
    assert client.get("/en/office/statistics/").status_code == 403
    assert client.get("/en/office/statistics/", {"table": "demands-by-field"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/en/office/statistics/?table=demands-by-field&format=csv")
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_office_dashboard_links_to_the_statistics(client, people):
    client.force_login(people["olivia"])
    response = client.get("/en/dashboard/")
    assert response.status_code == 200
    assert 'href="/en/office/statistics/"' in response.content.decode()


FORMULA_NAME = "=cmd|' /C calc'!A0"


@pytest.fixture
def formula_named(figures):
    """Wageningen renamed to a spreadsheet formula in both languages, as a hostile edit might."""
    wur = figures["wur"]
    type(wur).objects.filter(pk=wur.pk).update(name_en=FORMULA_NAME, name_zh=FORMULA_NAME)
    return figures


def test_an_institution_named_like_a_formula_stays_text_in_the_csv(client, people, formula_named):
    client.force_login(people["olivia"])
    response = client.get("/en/office/statistics/", {"table": "evaluations-by-institution", "format": "csv"})
    parsed = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert parsed[2] == ["'" + FORMULA_NAME, "Netherlands", "1", "3.0"]


def test_an_institution_named_like_a_formula_stays_text_in_the_xlsx(client, people, formula_named):
    client.force_login(people["olivia"])
    response = client.get("/en/office/statistics/", {"table": "evaluations-by-institution", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    name, country, count, mean = sheet[3]
    assert name.value == "'" + FORMULA_NAME and name.data_type != "f"
    assert (country.value, count.value, mean.value) == ("Netherlands", 1, 3.0)
    assert count.data_type == mean.data_type == "n"
