"""Two students accept the last place at the same moment, on two PostgreSQL connections."""

import threading

import pytest
from django.db import connection, connections

from applicants import services
from applicants.models import Application, Placement
from projects.models import Project
from tests.flow import application_in, project_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_the_last_place_goes_to_exactly_one_of_two_concurrent_accepts():
    assert connection.vendor == "postgresql"
    project, _, _ = project_in(Project.Status.PUBLISHED)
    Project.objects.filter(pk=project.pk).update(capacity=1)
    first, first_student, *_ = application_in("offered", project=project)
    second, second_student, *_ = application_in("offered", project=project)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def accept(name, application, student):
        try:
            barrier.wait(timeout=10)
            services.application_accept(application=application, actor=student)
            outcomes[name] = "accepted"
        except services.CapacityFull:
            outcomes[name] = "full"
        finally:
            connections.close_all()  # each thread used its own connection

    threads = [
        threading.Thread(target=accept, args=("first", first, first_student)),
        threading.Thread(target=accept, args=("second", second, second_student)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["accepted", "full"]
    assert Placement.objects.filter(application__project=project).count() == 1
    assert Application.objects.filter(project=project, status="accepted").count() == 1
