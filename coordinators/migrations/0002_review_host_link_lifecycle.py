"""The host supervisor's link gets a lifecycle on the review: issued (by whom, when), revoked."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def end_links_issued_before(apps, schema_editor):
    # Links were minted on every view of the admin page and never recorded, so nobody knows
    # who holds one: they all stop working, and the admin offers to issue a new one.
    ReviewSession = apps.get_model("coordinators", "ReviewSession")
    ReviewSession.objects.update(host_token=None)


def give_every_review_a_token(apps, schema_editor):
    # Back to a required, unique token: one each (links signed before stay dead, as the
    # signature's salt differs).
    ReviewSession = apps.get_model("coordinators", "ReviewSession")
    for pk in ReviewSession.objects.filter(host_token=None).values_list("pk", flat=True):
        ReviewSession.objects.filter(pk=pk).update(host_token=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ('coordinators', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='reviewsession',
            name='host_token',
            field=models.UUIDField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.RunPython(end_links_issued_before, give_every_review_a_token),
        migrations.AddField(
            model_name='reviewsession',
            name='host_link_issued_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='host link issued at'),
        ),
        migrations.AddField(
            model_name='reviewsession',
            name='host_link_issued_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='host link issued by'),
        ),
        migrations.AddField(
            model_name='reviewsession',
            name='host_link_revoked_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='host link revoked at'),
        ),
        migrations.AddField(
            model_name='reviewsession',
            name='host_link_revoked_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='host link revoked by'),
        ),
    ]
