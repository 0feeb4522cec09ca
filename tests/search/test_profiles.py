"""Profile rebuilds: a rebuild of most of the catalogue reads the source tables whole and writes what a
rebuild naming each institution writes; a rebuild writes over the profiles it finds."""

from __future__ import annotations

import pytest

from catalog.models import Institution
from search import profiles
from search.models import IndexVersion, InstitutionProfile
from search.profiles import PROFILE_COLUMNS, rebuild_profiles
from search.signals import rebuilding_once
from tests.factories import make_evaluation

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


def test_saves_in_a_rebuilding_once_block_rebuild_the_profiles_they_touch_when_it_ends(small_catalogue):
    tum = small_catalogue["tum"]
    with rebuilding_once():
        with rebuilding_once():  # an inner block leaves the rebuild to the outer one
            tum.description_en = "Offshore wind turbines and grid integration."
            tum.save()
        make_evaluation("ev-3", tum, 2.0)
        assert "offshor" not in str(InstitutionProfile.objects.get(institution=tum).token_counts)
        assert InstitutionProfile.objects.get(institution=tum).rating_count == 2

    profile = InstitutionProfile.objects.get(institution=tum)
    assert "wind" in profile.token_counts
    assert profile.rating_count == 3


def test_a_rebuilding_once_block_that_fails_rebuilds_nothing(small_catalogue):
    tum = small_catalogue["tum"]
    before = written()
    with pytest.raises(ValueError), rebuilding_once():
        make_evaluation("ev-3", tum, 2.0)
        raise ValueError

    assert written() == before
