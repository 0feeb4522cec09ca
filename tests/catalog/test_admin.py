"""The office edits the catalogue in the Wagtail admin: every page type and snippet has a working form."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from catalog.models import Country, Field, Institution, InstitutionIndexPage
from search.text_search import search_institutions
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client):
    """Olivia administers the catalogue as a superuser."""
    user = get_user_model().objects.create_superuser("olivia", "olivia@office.example.org", "pw")
    activate_totp(user)
    client.force_login(user)
    return client


def test_edit_forms_of_every_page_type_render(office, small_catalogue):
    for page in (small_catalogue["tum"], small_catalogue["course"], InstitutionIndexPage.objects.get()):
        assert office.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200


def test_office_creates_an_institution_in_the_admin(office, small_catalogue):
    index = InstitutionIndexPage.objects.get()
    germany = small_catalogue["countries"]["DE"]
    url = reverse("wagtailadmin_pages:add", args=["catalog", "institution", index.pk])
    assert office.get(url).status_code == 200
    data = {
        "name_en": "Fraunhofer IPA",
        "name_zh": "弗劳恩霍夫制造技术与自动化研究所",
        "country": germany.pk,
        "city": "Stuttgart",
        "kind": "research_institute",
        "description_zh": "",
        "description_en": "Automation.",
        "languages": "en, de",
        "website": "",
        "contact_email": "",
        "max_group_size": "",
        "external_id": "de-fraunhofer-ipa",
        "status": "active",
        "slug": "",
        "specialties-TOTAL_FORMS": "1",
        "specialties-INITIAL_FORMS": "0",
        "specialties-MIN_NUM_FORMS": "0",
        "specialties-MAX_NUM_FORMS": "1000",
        "specialties-0-field": small_catalogue["fields"]["manufacturing"].pk,
        "specialties-0-weight": "0.9",
        "specialties-0-ORDER": "1",
        "specialties-0-id": "",
        "action-publish": "publish",
    }
    response = office.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    created = Institution.objects.get(external_id="de-fraunhofer-ipa")
    assert created.live and created.title == "Fraunhofer IPA" and created.slug == "de-fraunhofer-ipa"
    assert created.specialties.get().field.code == "intelligent-manufacturing"
    assert created.pk in {hit.key for hit in search_institutions("automation")}
    assert created.languages == ["en", "de"]


def test_synonyms_are_edited_one_per_line(office, small_catalogue):
    field = small_catalogue["fields"]["agriculture"]
    url = reverse("wagtailsnippets_catalog_field:edit", args=[field.pk])
    assert "智慧农业\nsmart farming" in office.get(url).text
    data = {
        "code": field.code,
        "priority": "2",
        "name_zh": field.name_zh,
        "name_en": field.name_en,
        "synonyms": "智慧农业\n设施园艺，greenhouse\n\nsmart farming",
        "parent": "",
        "central_only": "",
    }
    assert office.post(url, data).status_code == 302
    field.refresh_from_db()
    assert field.synonyms == ["智慧农业", "设施园艺", "greenhouse", "smart farming"]


def test_snippet_lists_and_forms_render(office, small_catalogue):
    for model in (Field, Country):
        list_url = reverse(f"wagtailsnippets_catalog_{model._meta.model_name}:list")
        assert office.get(list_url).status_code == 200
        instance = model.objects.first()
        edit_url = reverse(f"wagtailsnippets_catalog_{model._meta.model_name}:edit", args=[instance.pk])
        assert office.get(edit_url).status_code == 200


@pytest.mark.parametrize("website", ["ftp://example.org/", "javascript:alert(1)"])
def test_an_institution_website_is_an_http_or_https_address(small_catalogue, website):
    from django.core.exceptions import ValidationError

    tum = small_catalogue["tum"]
    tum.website = website
    with pytest.raises(ValidationError) as refused:
        tum.full_clean()
    assert "website" in refused.value.message_dict
    tum.website = "https://www.tum.de/"
    tum.full_clean()
