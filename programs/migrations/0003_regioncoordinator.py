"""The region's coordinators get a model of their own (same table), with `is_public`."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_region_description_en_pamphlet_pdf_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table programs_region_coordinators (id, region_id, user_id, unique pair)
            # stays as it is: only Django's picture of it changes.
            state_operations=[
                migrations.CreateModel(
                    name="RegionCoordinator",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "region",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="coordinator_roles",
                                to="programs.region",
                                verbose_name="region",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="region_roles",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="coordinator",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "region coordinator",
                        "verbose_name_plural": "region coordinators",
                        "db_table": "programs_region_coordinators",
                        "unique_together": {("region", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="region",
                    name="coordinators",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="coordinated_regions",
                        through="programs.RegionCoordinator",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="coordinators",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="regioncoordinator",
            name="is_public",
            field=models.BooleanField(
                default=True,
                help_text="The coordinator's name on the region's page and on its projects' pages.",
                verbose_name="named on the public pages",
            ),
        ),
    ]
