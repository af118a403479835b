"""New pamphlet versions in the admin: coordinators upload them, only PDFs are accepted, and
visitors then download the new version."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coordinators.services import coordinator_appoint
from programs.models import Pamphlet
from tests.factories import RegionFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/programs/pamphlet/add/"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def appoint(region, **user):
    """A coordinator as the programme makes one: staff, in the group, listed on the region."""
    coordinator = UserFactory(preferred_language="en", **user)
    coordinator_appoint(user=coordinator, region=region)
    return coordinator


def version_data(name="pamphlet.pdf", content=PDF, **overrides):
    data = {
        "title": "北海道の実践型インターンシップ",
        "language": "ja",
        "version": "2027",
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        "body": "",
        "is_current": "on",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# ------------------------------------------------------------------------------
# Coordinators upload versions
# ------------------------------------------------------------------------------


def test_coordinator_uploads_a_version_that_visitors_then_download(client):
    coordinator = appoint(RegionFactory())
    Pamphlet.objects.create(
        title="旧版",
        language="ja",
        version="2026",
        file=SimpleUploadedFile("old.pdf", b"%PDF-1.4 old"),
    )
    client.force_login(coordinator)
    assert client.get(ADD).status_code == 200

    response = client.post(ADD, version_data())

    assert response.status_code == 302
    pamphlet = Pamphlet.objects.get(version="2027")
    assert pamphlet.uploaded_by == coordinator
    assert pamphlet.is_current
    # Stored under a name of ours, not the uploader's.
    assert pamphlet.file.name.startswith("pamphlets/hokkaido-challenge-pamphlet-ja-2027")
    client.logout()
    download = client.get("/pamphlet/download/")
    assert download.status_code == 200
    assert body(download) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="hokkaido-challenge-pamphlet-ja-2027.pdf"' in download["Content-Disposition"]
    assert "PDF（バージョン 2027）" in client.get("/pamphlet/").content.decode()


def test_coordinator_withdraws_a_version_but_cannot_replace_its_file_or_delete_it(client):
    coordinator = appoint(RegionFactory())
    older = Pamphlet.objects.create(
        title="旧版", language="ja", version="1", file=SimpleUploadedFile("a.pdf", b"%PDF-1 old")
    )
    newer = Pamphlet.objects.create(
        title="新版", language="ja", version="2", file=SimpleUploadedFile("b.pdf", b"%PDF-1 new")
    )
    client.force_login(coordinator)
    change = f"/admin/programs/pamphlet/{newer.pk}/change/"

    form = client.get(change).context["adminform"].form
    assert {"language", "version", "file"}.isdisjoint(form.fields)
    assert client.get(f"/admin/programs/pamphlet/{newer.pk}/delete/").status_code == 403

    response = client.post(change, {"title": "新版", "body": "", "_save": "Save"})

    assert response.status_code == 302
    newer.refresh_from_db()
    assert not newer.is_current
    assert newer.file.read() == b"%PDF-1 new"
    client.logout()
    assert body(client.get("/pamphlet/download/")) == b"%PDF-1 old"
    assert Pamphlet.objects.filter(pk=older.pk).exists()


def test_user_outside_the_coordinator_group_cannot_upload(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, version_data()).status_code == 403
    assert not Pamphlet.objects.exists()


def test_staff_may_delete_a_version(client):
    staff = StaffFactory()
    pamphlet = Pamphlet.objects.create(
        title="版", language="ja", version="1", file=SimpleUploadedFile("a.pdf", PDF)
    )
    client.force_login(staff)
    response = client.post(f"/admin/programs/pamphlet/{pamphlet.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Pamphlet.objects.exists()


# ------------------------------------------------------------------------------
# PDFs only
# ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.exe", b"MZ\x90\x00\x03 this program cannot be run", "Upload the pamphlet as a PDF"),
        ("evil.pdf", b"MZ\x90\x00\x03 this program cannot be run", "This file is not a PDF"),
        ("pamphlet.exe", PDF, "Upload the pamphlet as a PDF file (.pdf)"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "This file is not a PDF"),
        ("both.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>", "looks like a web page"),
        ("empty.pdf", b"", "The submitted file is empty."),
    ],
)
def test_wrong_file_is_refused_next_to_the_field_and_nothing_is_saved(
    client, settings, name, content, message
):
    staff = StaffFactory(preferred_language="en")
    client.force_login(staff)

    response = client.post(ADD, version_data(name=name, content=content))

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert list(response.context["adminform"].form.errors) == ["file"]
    assert 'id="id_file_error"' in html  # the error list of the file field
    assert 'value="北海道の実践型インターンシップ"' in html  # what was typed stays
    assert not Pamphlet.objects.exists()
    assert not (settings.MEDIA_ROOT / "pamphlets").exists()


def test_file_over_the_size_limit_is_refused(client, settings):
    settings.PAMPHLET_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    client.force_login(StaffFactory(preferred_language="en"))
    content = PDF + b"0" * (2 * 1024 * 1024)

    response = client.post(ADD, version_data(content=content))

    assert response.status_code == 200
    assert "The pamphlet can be 2 MB at most." in response.content.decode()
    assert not Pamphlet.objects.exists()


def test_add_form_says_what_it_accepts(client):
    client.force_login(StaffFactory(preferred_language="en"))
    html = client.get(ADD).content.decode()
    assert "A PDF of up to 20 MB" in html
    assert 'accept=".pdf,application/pdf"' in html


def test_pdf_is_accepted_whatever_the_case_of_its_extension(client):
    client.force_login(StaffFactory())
    response = client.post(ADD, version_data(name="PAMPHLET.PDF", version="3.1/春"))
    assert response.status_code == 302
    pamphlet = Pamphlet.objects.get()
    assert pamphlet.file.name.startswith("pamphlets/hokkaido-challenge-pamphlet-ja-3.1")
    assert pamphlet.file.read() == PDF
