"""The audit of intake decisions, with one row for each intake decided before it existed."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models



def record_past_decisions(apps, schema_editor):
    # Who decided is not known for these; when is (decided_at). The newest row of every decided
    # intake then names its outcome, as for the rows the service writes from now on.
    IntakeInterview = apps.get_model("projects", "IntakeInterview")
    Change = apps.get_model("projects", "IntakeInterviewStatusChange")
    decided = IntakeInterview.objects.exclude(outcome="pending").filter(status_changes=None)
    for intake in decided.only("pk", "outcome", "decided_at", "created_at").iterator():
        change = Change.objects.create(intake_id=intake.pk, from_status="", to_status=intake.outcome)
        when = intake.decided_at or intake.created_at
        Change.objects.filter(pk=change.pk).update(created_at=when)


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0004_project_search_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='IntakeInterviewStatusChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(blank=True, max_length=32, verbose_name='from')),
                ('to_status', models.CharField(max_length=32, verbose_name='to')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='changed at')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by')),
                ('intake', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_changes', to='projects.intakeinterview', verbose_name='intake interview')),
            ],
            options={
                'verbose_name': 'intake outcome change',
                'verbose_name_plural': 'intake outcome changes',
                'ordering': ['created_at', 'id'],
                'get_latest_by': 'created_at',
                'abstract': False,
            },
        ),
        migrations.RunPython(record_past_decisions, migrations.RunPython.noop),
    ]
