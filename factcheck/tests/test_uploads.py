"""A file posted to the site is spooled to disk only for someone who may upload it there.

Django parses a multipart body whenever something reads request.POST: the CSRF middleware does,
for any POST that carries a CSRF cookie (which a client that is not a browser sets as it likes),
before any view checks who is asking. An upload over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) was
then written to FILE_UPLOAD_TEMP_DIR in full, for anyone, at any address.
"""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client
from django.urls import reverse

from factcheck.models import ImportJob, StoryDraft

UPLOAD = reverse("admin:factcheck_importjob_upload")
STORY = reverse("story_new")
TOKEN = "a" * 32  # a CSRF secret of the right shape: a script sets the cookie and header to match


@pytest.fixture
def spooled(monkeypatch, settings, tmp_path):
    """The names of the files Django's upload handler spooled to disk, in a folder of the test's own."""
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path
    names = []
    new_file = TemporaryFileUploadHandler.new_file

    def recording(handler, *args, **kwargs):
        new_file(handler, *args, **kwargs)
        names.append(handler.file.name)

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", recording)
    return names


def large_file(name="claims.csv"):
    return SimpleUploadedFile(name, b"claim,speaker\n" + b"x" * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1))


def post_as_a_script(client, url, data):
    """A POST as a script sends it: its own CSRF cookie and the same token in the header."""
    client.cookies[settings.CSRF_COOKIE_NAME] = TOKEN
    return client.post(url, data, HTTP_X_CSRFTOKEN=TOKEN, HTTP_ORIGIN="http://testserver")


def signed_in(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (UPLOAD, 403),
        (STORY, 403),
        # Addresses that take no files, one that is none (its 404 page read the body too), the API.
        (reverse("claim_list"), 400),
        (reverse("login"), 400),
        ("/no/such/page/", 404),
        (reverse("api_check"), 401),
    ],
)
def test_an_anonymous_large_post_is_refused_before_a_byte_is_spooled(db, spooled, url, status):
    response = post_as_a_script(Client(enforce_csrf_checks=True), url, {"file": large_file(), "mode": "atomic"})
    assert spooled == []
    assert response.status_code == status
    if status == 403:
        assert "Sign in before uploading a file." in response.text


def test_a_browser_s_large_post_without_a_session_is_refused_unread_too(db, spooled):
    """A browser sends the CSRF token in the body, which is not read: refused all the same."""
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = TOKEN
    response = client.post(UPLOAD, {"file": large_file(), "csrfmiddlewaretoken": TOKEN})
    assert response.status_code == 403 and spooled == []


def test_a_signed_in_user_who_may_not_upload_there_spools_nothing(reviewer, outsider, spooled):
    for user in (reviewer, outsider):
        response = post_as_a_script(signed_in(user), UPLOAD, {"file": large_file(), "mode": "atomic"})
        assert response.status_code == 403
        assert "Your account may not upload files here." in response.text
    response = post_as_a_script(signed_in(outsider), STORY, {"file": large_file("story.txt"), "outlet": "B-17"})
    assert response.status_code == 403
    assert spooled == []
    assert not ImportJob.objects.exists()


def test_an_address_that_takes_no_file_refuses_a_large_multipart_body_from_anyone(admin_user, spooled):
    response = post_as_a_script(signed_in(admin_user), reverse("admin:factcheck_speaker_add"), {"file": large_file()})
    assert response.status_code == 400
    assert spooled == []


def test_a_small_multipart_post_is_left_to_the_view(reviewer, spooled):
    small = SimpleUploadedFile("claims.csv", b"claim,speaker\n")
    response = post_as_a_script(signed_in(reviewer), UPLOAD, {"file": small})
    assert response.status_code == 403 and "lacks the permission" in response.text
    response = post_as_a_script(Client(enforce_csrf_checks=True), UPLOAD, {"file": small})
    assert response["Location"].startswith(reverse("admin:login"))


def test_who_may_upload_still_uploads_a_large_file(admin_user, reviewer, spooled):
    response = post_as_a_script(signed_in(admin_user), UPLOAD, {"file": large_file(), "mode": "atomic"})
    assert response.status_code == 302
    assert ImportJob.objects.get().filename == "claims.csv"
    story = SimpleUploadedFile("story.txt", b"Officials said the bridge was closed. " * 70_000)
    response = post_as_a_script(signed_in(reviewer), STORY, {"file": story, "outlet": "B-17"})
    assert response.status_code == 422  # read, then refused as longer than the desk takes
    assert len(spooled) == 2 and not StoryDraft.objects.exists()
