"""Teaching languages and cities in the reader's language: 慕尼黑 and 英语 on the Chinese site, Munich and
English on the English one."""

from __future__ import annotations

import pytest
from django.utils import translation

from catalog.places import city_name, city_names, language_name


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", ("慕尼黑", "斯图加特、慕尼黑", "德语", "英语", "剑桥（马萨诸塞州）")),
     ("en", ("Munich", "Stuttgart, Munich", "German", "English", "Cambridge, MA"))],
)  # fmt: skip
def test_cities_and_languages_are_named_in_the_readers_language(language, expected):
    with translation.override(language):
        named = (city_name("Munich"), city_names("Stuttgart, Munich"), language_name("de"),
                 language_name("English"), city_names("Cambridge, MA"))  # fmt: skip
    assert named == expected


def test_what_the_tables_do_not_know_shows_as_written():
    with translation.override("zh-hans"):
        assert city_name("Nowhereville") == "Nowhereville"
        assert language_name("xx") == "xx"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [("zh-hans", ["慕尼黑", "英语"], ["Munich", ">en<"]), ("en", ["Munich", "English"], ["慕尼黑", "英语"])],
)
def test_the_institution_and_course_pages_name_city_and_language_in_the_readers_language(
    client, small_catalogue, language, shown, not_shown
):
    tum = small_catalogue["tum"]
    tum.languages = ["en", "de"]
    tum.save_revision().publish()
    pages = [
        client.get(f"/{language}/institutions/de-tum/"),
        client.get(f"/{language}/institutions/de-tum/de-tum-im-01/"),
    ]
    html = "".join(page.content.decode() for page in pages)
    assert all(page.status_code == 200 for page in pages)
    for text in shown:
        assert text in html, text
    for text in not_shown:
        assert text not in html.replace("Technical University of Munich", "").replace("慕尼黑工业大学", ""), (
            text
        )
