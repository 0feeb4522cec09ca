"""Creates the site tree the portal serves: Home with the directory, course library and showcase."""

from django.db import migrations

TREE = [
    # (app, model, slug, path, title_en, title_zh)
    ("catalog", "institutionindexpage", "institutions", "000100010001", "Institutions", "培训机构"),
    ("catalog", "courselibrarypage", "courses", "000100010002", "Premium course library", "精品课程资源库"),
    ("catalog", "outcomeindexpage", "outcomes", "000100010003", "Training outcomes", "培训成果展示"),
]


def create_site_tree(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("portal.HomePage")

    # Replace the welcome page of wagtailcore's initial data (its Site goes with it).
    Page.objects.filter(depth=2, content_type__app_label="wagtailcore", slug="home").delete()
    locale = Locale.objects.first()
    home_type, _ = ContentType.objects.get_or_create(app_label="portal", model="homepage")
    home = HomePage.objects.create(
        title="Home", draft_title="Home", slug="home", content_type=home_type, path="00010001", depth=2,
        numchild=len(TREE), url_path="/home/", locale=locale, live=True,
        lead_zh="为国家公派出国（境）培训项目，在境外培训机构与国内组团单位的培训需求之间精准对接。",
        lead_en="Matching the training demand of Chinese organizing units with foreign training institutions, "
                "for publicly funded overseas training programmes.",
    )
    for app, model, slug, path, title_en, title_zh in TREE:
        model_class = apps.get_model(app, model)
        content_type, _ = ContentType.objects.get_or_create(app_label=app, model=model)
        model_class.objects.create(
            title=title_en, draft_title=title_en, slug=slug, content_type=content_type, path=path, depth=3,
            numchild=0, url_path=f"/home/{slug}/", locale=locale, live=True, title_zh=title_zh,
        )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                        site_name="国际培训对接平台")


def remove_site_tree(apps, schema_editor):
    apps.get_model("portal.HomePage").objects.filter(depth=2, slug="home").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("catalog", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_site_tree, remove_site_tree)]
