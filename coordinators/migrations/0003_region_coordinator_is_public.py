"""Whether a coordinator is named on the public pages moves to their region rows
(programs.RegionCoordinator.is_public), where the public pages read it."""

from django.db import migrations


def copy_to_regions(apps, schema_editor):
    CoordinatorProfile = apps.get_model("coordinators", "CoordinatorProfile")
    RegionCoordinator = apps.get_model("programs", "RegionCoordinator")
    hidden = CoordinatorProfile.objects.filter(is_public=False).values("user_id")
    RegionCoordinator.objects.filter(user_id__in=hidden).update(is_public=False)


def copy_back(apps, schema_editor):
    CoordinatorProfile = apps.get_model("coordinators", "CoordinatorProfile")
    RegionCoordinator = apps.get_model("programs", "RegionCoordinator")
    hidden = RegionCoordinator.objects.filter(is_public=False).values("user_id")
    CoordinatorProfile.objects.filter(user_id__in=hidden).update(is_public=False)


class Migration(migrations.Migration):
    dependencies = [
        ("coordinators", "0002_review_host_link_lifecycle"),
        ("programs", "0003_regioncoordinator"),
    ]

    operations = [
        migrations.RunPython(copy_to_regions, copy_back),
        migrations.RemoveField(model_name="coordinatorprofile", name="is_public"),
    ]
