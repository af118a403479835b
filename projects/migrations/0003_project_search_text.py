"""Project's folded search text and its grams, filled for every row; pg_trgm on PostgreSQL."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from projects.search import SEARCHED_PROJECT_FIELDS, project_search_text, search_grams


def fill_search_text(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    batch = []
    rows = Project.objects.select_related("organization").only(
        *SEARCHED_PROJECT_FIELDS, "organization__name", "organization__name_kana"
    )
    for project in rows.iterator(chunk_size=2000):
        project.search_text = project_search_text(
            organization_name=project.organization.name,
            organization_name_kana=project.organization.name_kana,
            **{name: getattr(project, name) for name in SEARCHED_PROJECT_FIELDS},
        )
        project.search_grams = search_grams(project.search_text)
        batch.append(project)
        if len(batch) == 2000:
            Project.objects.bulk_update(batch, ["search_text", "search_grams"])
            batch = []
    Project.objects.bulk_update(batch, ["search_text", "search_grams"])


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_indexes_for_lists"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="search_text",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search text"
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="search_grams",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search grams"
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
        # Does nothing on other databases (CreateExtension checks the vendor itself).
        TrigramExtension(),
    ]
