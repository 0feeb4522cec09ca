"""Profile rebuilds: a rebuild of most of the catalogue reads the source tables whole and writes what a
rebuild naming each institution writes; a rebuild writes over the profiles it finds."""

from __future__ import annotations

import pytest

from catalog.models import Institution
from search import profiles
from search.models import IndexVersion, InstitutionProfile
from search.profiles import PROFILE_COLUMNS, rebuild_profiles

pytestmark = pytest.mark.django_db


def written() -> dict[int, tuple]:
    rows = InstitutionProfile.objects.values_list("institution_id", *PROFILE_COLUMNS)
    return {row[0]: row[1:] for row in rows}


def test_a_rebuild_of_most_of_the_catalogue_writes_what_a_rebuild_by_id_writes(demo_catalogue, monkeypatch):
    by_id = written()
    ids = sorted(Institution.objects.values_list("pk", flat=True))
    assert len(ids) > 3
    InstitutionProfile.objects.all().delete()

    monkeypatch.setattr(profiles, "WHOLE_TABLES_FROM", 0)
    most = ids[1:]
    assert rebuild_profiles(most) == len(most)

    assert written() == {pk: by_id[pk] for pk in most}


def test_a_rebuild_writes_over_the_profiles_it_finds_with_the_new_index_version(demo_catalogue):
    institution = Institution.objects.order_by("pk").first()
    InstitutionProfile.objects.filter(institution=institution).update(
        token_counts={"stale": 1}, length=1, index_version=0
    )

    assert rebuild_profiles([institution.pk]) == 1

    profile = InstitutionProfile.objects.get(institution=institution)
    assert "stale" not in profile.token_counts
    assert profile.length == sum(profile.token_counts.values())
    assert profile.index_version == IndexVersion.current()
