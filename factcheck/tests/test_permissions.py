# ruff: noqa: E501 (the matrix is a table, one pattern a line)
"""The permission matrix: every URL pattern, for every persona, GET and POST, answers as MATRIX says.

The patterns come from Django's URL resolver (the app's, the admin's and its custom views), so
a new pattern without a row in MATRIX fails the suite with a message naming it. To add one,
add its row: the pattern's name (its route when it has none), the object its URL is built for
(a key of what `one_of_each` below returns, or "" for none), then what GET and what POST
answer for, in order, anonymous, charlie the outsider (an account in no group, not staff), bob
the reviewer, alice the editor and root the superuser (the personas of conftest.py).

An answer is a status code, "login" (a redirect to the login page: the app's, or the admin's
for its URLs) or "302" (a redirect anywhere else). Each request runs in a transaction rolled
back after it, so a POST that deletes something leaves it there for the next persona. POSTs
carry no data (the test client does not check CSRF tokens): what is checked is who gets in,
not what a valid form does, which the feature tests check.
"""

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, path, reverse
from django_tasks_db.models import DBTaskResult, get_date_max

from conftest import make_persona, make_user
from factcheck import merging
from factcheck import urls as project_urls
from factcheck.models import (
    ApiToken,
    Assignment,
    AssignmentRecord,
    ClaimLink,
    ColumnMapping,
    CorrectionCase,
    ExportJob,
    ImportJob,
    ImportState,
    Note,
    Notification,
    PublishedVerdict,
)
from factcheck.tests.factories import (
    make_appearance,
    make_article,
    make_claim,
    make_draft,
    make_evidence,
    make_outlet,
    make_speaker,
)

PERSONAS = ["anonymous", "outsider", "reviewer", "editor", "admin"]

# fmt: off
MATRIX = {
    # pattern                                                      object       GET: anonymous outsider reviewer editor admin, then POST
    # The reviewer workspace: Reviewers and Editors (and the superuser); a status change needs change_claim_status.
    "home":                                                        ("",         "login 403 302 302 302",   "405 405 405 405 405"),
    "claim_list":                                                  ("",         "login 403 200 200 200",   "405 405 405 405 405"),
    "claim_counts":                                                ("",         "login 403 302 302 302",   "405 405 405 405 405"),
    "claim_detail":                                                ("claim",    "login 403 200 200 200",   "405 405 405 405 405"),
    "claim_add_evidence":                                          ("claim",    "405 405 405 405 405",     "login 403 422 422 422"),
    "claim_add_note":                                              ("claim",    "405 405 405 405 405",     "login 403 422 422 422"),
    "claim_change_status":                                         ("claim",    "405 405 405 405 405",     "login 403 403 400 400"),
    # Merging needs factcheck.merge_claims (Editors); an empty POST names no claim to keep.
    "claim_merge":                                                 ("claim",    "login 403 403 200 200",   "login 403 403 422 422"),
    # Publishing and withdrawing a verdict: editors (factcheck.publish_verdict); an empty POST is a bad request.
    "claim_publish":                                               ("claim",    "405 405 405 405 405",     "login 403 403 400 400"),
    "claim_withdraw":                                              ("claim",    "405 405 405 405 405",     "login 403 403 400 400"),
    # Assignments (editors: factcheck.assign_work; an empty POST names nobody), My work and notifications (whoever reads claims).
    "claim_assign":                                                ("claim",    "405 405 405 405 405",     "login 403 403 422 422"),
    "article_assign":                                              ("article",  "405 405 405 405 405",     "login 403 403 422 422"),
    "my_work":                                                     ("",         "login 403 200 200 200",   "405 405 405 405 405"),
    "notification_list":                                           ("",         "login 403 200 200 200",   "405 405 405 405 405"),
    "notification_settings":                                       ("",         "405 405 405 405 405",     "login 403 422 422 422"),
    "speaker_list":                                                ("",         "login 403 200 200 200",   "405 405 405 405 405"),
    "outlet_list":                                                 ("",         "login 403 200 200 200",   "405 405 405 405 405"),
    "story_list":                                                  ("",         "login 403 200 200 200",   "405 405 405 405 405"),
    "claim_change_attribution":                                    ("claim",    "405 405 405 405 405",     "login 403 403 400 400"),
    "speaker_detail":                                              ("speaker",  "login 403 200 200 200",   "405 405 405 405 405"),
    "outlet_detail":                                               ("outlet",   "login 403 200 200 200",   "405 405 405 405 405"),
    "article_detail":                                              ("article",  "login 403 200 200 200",   "405 405 405 405 405"),
    # The pre-publication check: reviewers read it; editors (factcheck.sign_off_story) sign off and publish.
    # An empty sign-off is a bad request; the story here is published already, so publishing it is refused.
    "article_check":                                               ("article",  "login 403 200 200 200",   "405 405 405 405 405"),
    "article_sign_off":                                            ("article",  "405 405 405 405 405",     "login 403 403 400 400"),
    "article_publish":                                             ("article",  "405 405 405 405 405",     "login 403 403 409 409"),
    # The JSON API answers a bearer token, never a session: without a token, 401 for everyone.
    "api_check":                                                   ("",         "405 405 405 405 405",     "401 401 401 401 401"),
    # The Corrections queue: both groups read it (view_correctioncase); editors record outcomes (record_correction),
    # an empty POST choosing none. Due for re-check: whoever reads claims; editors move a date (schedule_recheck).
    "correction_list":                                             ("",         "login 403 200 200 200",   "405 405 405 405 405"),
    # Its tabs, drawn again by htmx when an outcome is recorded; a plain GET goes to the queue.
    "correction_counts":                                           ("",         "login 403 302 302 302",   "405 405 405 405 405"),
    "correction_record":                                           ("case",     "405 405 405 405 405",     "login 403 403 422 422"),
    "recheck_list":                                                ("",         "login 403 200 200 200",   "405 405 405 405 405"),
    "claim_set_recheck":                                           ("claim",    "405 405 405 405 405",     "login 403 403 422 422"),
    # The story desk: reviewers and editors (factcheck.add_storydraft and change_storydraft).
    "story_new":                                                   ("",         "login 403 200 200 200",   "login 403 422 422 422"),
    "story_speakers":                                              ("",         "login 403 200 200 200",   "405 405 405 405 405"),
    "story_drafts":                                                ("",         "login 403 200 200 200",   "405 405 405 405 405"),
    "story_review":                                                ("draft",    "login 403 200 200 200",   "login 403 409 409 409"),
    # Public: the ClaimReview feed of published verdicts and each one's page (anyone may read them), signing in and out.
    "claimreview_feed":                                            ("",         "200 200 200 200 200",     "405 405 405 405 405"),
    "verdict_detail":                                              ("publication", "200 200 200 200 200",  "405 405 405 405 405"),
    "login":                                                       ("",         "200 302 302 302 302",     "200 302 302 302 302"),
    "logout":                                                      ("",         "405 405 405 405 405",     "login login login login login"),
    # The admin's own pages: staff only (charlie is not staff: the admin sends him to its login page).
    "admin:index":                                                 ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:login":                                                 ("",         "200 200 302 302 302",     "200 200 200 200 200"),
    "admin:logout":                                                ("",         "302 302 405 405 405",     "302 302 302 302 302"),
    "admin:password_change":                                       ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:password_change_done":                                  ("",         "login login 200 200 200", "login login 405 405 405"),
    "admin:autocomplete":                                          ("",         "login login 200 200 200", "login login 405 405 405"),
    "admin:jsi18n":                                                ("",         "login login 200 200 200", "login login 405 405 405"),
    "admin:view_on_site":                                          ("claim",    "login login 302 302 302", "login login 302 302 302"),
    "admin:app_list":                                              ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin/(?P<url>.*)$":                                          ("",         "login login 404 404 404", "login login 404 404 404"),
    # The import screens: only who may import (factcheck.import_claims: the superuser here).
    "admin:factcheck_importjob_upload":                            ("",         "login login 403 403 200", "login login 403 403 400"),
    "admin:factcheck_importjob_import":                            ("job",      "login login 403 403 422", "login login 405 405 405"),
    "admin:factcheck_importjob_progress":                          ("job",      "login login 403 403 302", "login login 405 405 405"),
    "admin:factcheck_importjob_confirm":                           ("job",      "login login 405 405 405", "login login 403 403 302"),
    "admin:factcheck_importjob_cancel":                            ("job",      "login login 405 405 405", "login login 403 403 302"),
    "admin:factcheck_importjob_ratings":                           ("job",      "login login 405 405 405", "login login 403 403 302"),
    "admin:factcheck_importjob_report":                            ("job",      "login login 403 403 200", "login login 405 405 405"),
    "admin:factcheck_importjob_recheck":                           ("job",      "login login 405 405 405", "login login 403 403 302"),
    # Column mappings remembered by imports: read and deleted by who may import, never edited.
    "admin:factcheck_columnmapping_changelist":                    ("",         "login login 403 403 200", "login login 403 403 200"),
    "admin:factcheck_columnmapping_add":                           ("",         "login login 403 403 403", "login login 403 403 403"),
    "admin:factcheck_columnmapping_change":                        ("mapping",  "login login 403 403 200", "login login 403 403 403"),
    "admin:factcheck_columnmapping_delete":                        ("mapping",  "login login 403 403 200", "login login 403 403 200"),
    "admin:factcheck_columnmapping_history":                       ("mapping",  "login login 403 403 200", "login login 403 403 200"),
    "admin/factcheck/columnmapping/<path:object_id>/":             ("mapping",  "login login 302 302 302", "login login 302 302 302"),
    # Claims: reviewers read, editors edit; nobody deletes a claim that has history (it is withdrawn or merged).
    "admin:factcheck_claim_changelist":                            ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_claim_add":                                   ("",         "login login 403 200 200", "login login 403 200 200"),
    "admin:factcheck_claim_change":                                ("claim",    "login login 200 200 200", "login login 403 409 409"),
    "admin:factcheck_claim_history":                               ("claim",    "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_claim_delete":                                ("claim",    "login login 403 403 403", "login login 403 403 403"),
    "admin/factcheck/claim/<path:object_id>/":                     ("claim",    "login login 302 302 302", "login login 302 302 302"),
    # Speakers, outlets and stories: reviewers read, editors add and edit, only the superuser deletes.
    "admin:factcheck_speaker_changelist":                          ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_speaker_add":                                 ("",         "login login 403 200 200", "login login 403 200 200"),
    "admin:factcheck_speaker_change":                              ("speaker",  "login login 200 200 200", "login login 403 409 409"),
    "admin:factcheck_speaker_history":                             ("speaker",  "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_speaker_delete":                              ("speaker",  "login login 403 403 200", "login login 403 403 200"),
    "admin/factcheck/speaker/<path:object_id>/":                   ("speaker",  "login login 302 302 302", "login login 302 302 302"),
    "admin:factcheck_outlet_changelist":                           ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_outlet_add":                                  ("",         "login login 403 200 200", "login login 403 200 200"),
    "admin:factcheck_outlet_change":                               ("outlet",   "login login 200 200 200", "login login 403 409 409"),
    "admin:factcheck_outlet_history":                              ("outlet",   "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_outlet_delete":                               ("outlet",   "login login 403 403 200", "login login 403 403 200"),
    "admin/factcheck/outlet/<path:object_id>/":                    ("outlet",   "login login 302 302 302", "login login 302 302 302"),
    "admin:factcheck_article_changelist":                          ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_article_add":                                 ("",         "login login 403 200 200", "login login 403 200 200"),
    "admin:factcheck_article_change":                              ("article",  "login login 200 200 200", "login login 403 409 409"),
    "admin:factcheck_article_history":                             ("article",  "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_article_delete":                              ("article",  "login login 403 403 200", "login login 403 403 200"),
    "admin/factcheck/article/<path:object_id>/":                   ("article",  "login login 302 302 302", "login login 302 302 302"),
    # Links between claims: editors add, edit and remove them.
    "admin:factcheck_claimlink_changelist":                        ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_claimlink_add":                               ("",         "login login 403 200 200", "login login 403 200 200"),
    "admin:factcheck_claimlink_change":                            ("link",     "login login 200 200 200", "login login 403 409 409"),
    "admin:factcheck_claimlink_history":                           ("link",     "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_claimlink_delete":                            ("link",     "login login 403 200 200", "login login 403 200 200"),
    "admin/factcheck/claimlink/<path:object_id>/":                 ("link",     "login login 302 302 302", "login login 302 302 302"),
    # Evidence and notes: reviewers add them too; editors edit them; only the superuser deletes.
    "admin:factcheck_evidence_changelist":                         ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_evidence_add":                                ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_evidence_change":                             ("evidence", "login login 200 200 200", "login login 403 409 409"),
    "admin:factcheck_evidence_history":                            ("evidence", "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_evidence_delete":                             ("evidence", "login login 403 403 200", "login login 403 403 200"),
    "admin/factcheck/evidence/<path:object_id>/":                  ("evidence", "login login 302 302 302", "login login 302 302 302"),
    "admin:factcheck_note_changelist":                             ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_note_add":                                    ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_note_change":                                 ("note",     "login login 200 200 200", "login login 403 409 409"),
    "admin:factcheck_note_history":                                ("note",     "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_note_delete":                                 ("note",     "login login 403 403 200", "login login 403 403 200"),
    "admin/factcheck/note/<path:object_id>/":                      ("note",     "login login 302 302 302", "login login 302 302 302"),
    # The status history: read by whoever reviews, written by nobody here (append-only).
    "admin:factcheck_verificationevent_changelist":                ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_verificationevent_add":                       ("",         "login login 403 403 403", "login login 403 403 403"),
    "admin:factcheck_verificationevent_change":                    ("event",    "login login 200 200 200", "login login 403 403 403"),
    "admin:factcheck_verificationevent_history":                   ("event",    "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_verificationevent_delete":                    ("event",    "login login 403 403 403", "login login 403 403 403"),
    "admin/factcheck/verificationevent/<path:object_id>/":         ("event",    "login login 302 302 302", "login login 302 302 302"),
    "admin:factcheck_claimmerge_changelist":                       ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_claimmerge_add":                              ("",         "login login 403 403 403", "login login 403 403 403"),
    "admin:factcheck_claimmerge_change":                           ("merge",    "login login 200 200 200", "login login 403 403 403"),
    "admin:factcheck_claimmerge_history":                          ("merge",    "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_claimmerge_delete":                           ("merge",    "login login 403 403 403", "login login 403 403 403"),
    "admin/factcheck/claimmerge/<path:object_id>/":                ("merge",    "login login 302 302 302", "login login 302 302 302"),
    # Published verdicts: read by whoever reviews, never edited or deleted (append-only); withdrawn by an action.
    "admin:factcheck_publishedverdict_changelist":                 ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_publishedverdict_add":                        ("",         "login login 403 403 403", "login login 403 403 403"),
    "admin:factcheck_publishedverdict_change":                     ("publication", "login login 200 200 200", "login login 403 403 403"),
    "admin:factcheck_publishedverdict_history":                    ("publication", "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_publishedverdict_delete":                     ("publication", "login login 403 403 403", "login login 403 403 403"),
    "admin/factcheck/publishedverdict/<path:object_id>/":          ("publication", "login login 302 302 302", "login login 302 302 302"),
    # Assignments now: read by whoever reviews; records of them: editors; notifications: the superuser. Nobody edits them here.
    "admin:factcheck_assignment_changelist":                       ("",         "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_assignment_add":                              ("",         "login login 403 403 403", "login login 403 403 403"),
    "admin:factcheck_assignment_change":                           ("assignment", "login login 200 200 200", "login login 403 403 403"),
    "admin:factcheck_assignment_history":                          ("assignment", "login login 200 200 200", "login login 200 200 200"),
    "admin:factcheck_assignment_delete":                           ("assignment", "login login 403 403 403", "login login 403 403 403"),
    "admin/factcheck/assignment/<path:object_id>/":                ("assignment", "login login 302 302 302", "login login 302 302 302"),
    "admin:factcheck_assignmentrecord_changelist":                 ("",         "login login 403 200 200", "login login 403 200 200"),
    "admin:factcheck_assignmentrecord_add":                        ("",         "login login 403 403 403", "login login 403 403 403"),
    "admin:factcheck_assignmentrecord_change":                     ("assignmentrecord", "login login 403 200 200", "login login 403 403 403"),
    "admin:factcheck_assignmentrecord_history":                    ("assignmentrecord", "login login 403 200 200", "login login 403 200 200"),
    "admin:factcheck_assignmentrecord_delete":                     ("assignmentrecord", "login login 403 403 403", "login login 403 403 403"),
    "admin/factcheck/assignmentrecord/<path:object_id>/":          ("assignmentrecord", "login login 302 302 302", "login login 302 302 302"),
    "admin:factcheck_notification_changelist":                     ("",         "login login 403 403 200", "login login 403 403 200"),
    "admin:factcheck_notification_add":                            ("",         "login login 403 403 403", "login login 403 403 403"),
    "admin:factcheck_notification_change":                         ("notification", "login login 403 403 200", "login login 403 403 403"),
    "admin:factcheck_notification_history":                        ("notification", "login login 403 403 200", "login login 403 403 200"),
    "admin:factcheck_notification_delete":                         ("notification", "login login 403 403 403", "login login 403 403 403"),
    "admin/factcheck/notification/<path:object_id>/":              ("notification", "login login 302 302 302", "login login 302 302 302"),
    # The API's tokens: read by the superuser only, made and revoked with manage.py api_token.
    "admin:factcheck_apitoken_changelist":                         ("",         "login login 403 403 200", "login login 403 403 200"),
    "admin:factcheck_apitoken_add":                                ("",         "login login 403 403 403", "login login 403 403 403"),
    "admin:factcheck_apitoken_change":                             ("apitoken", "login login 403 403 200", "login login 403 403 403"),
    "admin:factcheck_apitoken_history":                            ("apitoken", "login login 403 403 200", "login login 403 403 200"),
    "admin:factcheck_apitoken_delete":                             ("apitoken", "login login 403 403 403", "login login 403 403 403"),
    "admin/factcheck/apitoken/<path:object_id>/":                  ("apitoken", "login login 302 302 302", "login login 302 302 302"),
    # Import jobs: listed and read by who may import, made only by the upload screen, never edited.
    "admin:factcheck_importjob_changelist":                        ("",         "login login 403 403 200", "login login 403 403 200"),
    "admin:factcheck_importjob_add":                               ("",         "login login 403 403 403", "login login 403 403 403"),
    "admin:factcheck_importjob_change":                            ("job",      "login login 403 403 200", "login login 403 403 403"),
    "admin:factcheck_importjob_history":                           ("job",      "login login 403 403 200", "login login 403 403 200"),
    "admin:factcheck_importjob_delete":                            ("job",      "login login 403 403 403", "login login 403 403 403"),
    "admin/factcheck/importjob/<path:object_id>/":                 ("job",      "login login 302 302 302", "login login 302 302 302"),
    "admin:factcheck_exportjob_changelist":                        ("",         "login login 403 403 200", "login login 403 403 200"),
    "admin:factcheck_exportjob_add":                               ("",         "login login 403 403 403", "login login 403 403 403"),
    "admin:factcheck_exportjob_change":                            ("export",   "login login 403 403 200", "login login 403 403 403"),
    "admin:factcheck_exportjob_history":                           ("export",   "login login 403 403 200", "login login 403 403 200"),
    "admin:factcheck_exportjob_delete":                            ("export",   "login login 403 403 403", "login login 403 403 403"),
    "admin:factcheck_exportjob_download":                          ("export",   "login login 403 403 404", "login login 405 405 405"),
    "admin/factcheck/exportjob/<path:object_id>/":                 ("export",   "login login 302 302 302", "login login 302 302 302"),
    # Accounts, groups and the task queue: the superuser only; task results are read-only.
    "admin:auth_user_changelist":                                  ("",         "login login 403 403 200", "login login 403 403 200"),
    "admin:auth_user_add":                                         ("",         "login login 403 403 200", "login login 403 403 200"),
    "admin:auth_user_change":                                      ("user",     "login login 403 403 200", "login login 403 403 200"),
    "admin:auth_user_history":                                     ("user",     "login login 403 403 200", "login login 403 403 200"),
    "admin:auth_user_delete":                                      ("user",     "login login 403 403 200", "login login 403 403 200"),
    "admin:auth_user_password_change":                             ("user",     "login login 403 403 200", "login login 403 403 200"),
    "admin/auth/user/<path:object_id>/":                           ("user",     "login login 302 302 302", "login login 302 302 302"),
    "admin:auth_group_changelist":                                 ("",         "login login 403 403 200", "login login 403 403 200"),
    "admin:auth_group_add":                                        ("",         "login login 403 403 200", "login login 403 403 200"),
    "admin:auth_group_change":                                     ("group",    "login login 403 403 200", "login login 403 403 200"),
    "admin:auth_group_history":                                    ("group",    "login login 403 403 200", "login login 403 403 200"),
    "admin:auth_group_delete":                                     ("group",    "login login 403 403 200", "login login 403 403 200"),
    "admin/auth/group/<path:object_id>/":                          ("group",    "login login 302 302 302", "login login 302 302 302"),
    "admin:django_tasks_database_dbtaskresult_changelist":         ("",         "login login 403 403 200", "login login 403 403 200"),
    "admin:django_tasks_database_dbtaskresult_add":                ("",         "login login 403 403 403", "login login 403 403 403"),
    "admin:django_tasks_database_dbtaskresult_change":             ("task",     "login login 403 403 200", "login login 403 403 403"),
    "admin:django_tasks_database_dbtaskresult_history":            ("task",     "login login 403 403 200", "login login 403 403 200"),
    "admin:django_tasks_database_dbtaskresult_delete":             ("task",     "login login 403 403 403", "login login 403 403 403"),
    "admin/django_tasks_database/dbtaskresult/<path:object_id>/":  ("task",     "login login 302 302 302", "login login 302 302 302"),
    # django-axes' records of sign-in attempts: superusers only.
    "admin:axes_accessattempt_changelist":                     ("",         "login login 403 403 200", "login login 403 403 200"),
    "admin:axes_accessattempt_add":                            ("",         "login login 403 403 403", "login login 403 403 403"),
    "admin:axes_accessattempt_change":                         ("attempt",  "login login 403 403 200", "login login 403 403 302"),
    "admin:axes_accessattempt_history":                        ("attempt",  "login login 403 403 200", "login login 403 403 200"),
    "admin:axes_accessattempt_delete":                         ("attempt",  "login login 403 403 200", "login login 403 403 200"),
    "admin/axes/accessattempt/<path:object_id>/":            ("attempt",  "login login 302 302 302", "login login 302 302 302"),
    "admin:axes_accesslog_changelist":                         ("",         "login login 403 403 200", "login login 403 403 200"),
    "admin:axes_accesslog_add":                                ("",         "login login 403 403 403", "login login 403 403 403"),
    "admin:axes_accesslog_change":                             ("accesslog","login login 403 403 200", "login login 403 403 302"),
    "admin:axes_accesslog_history":                            ("accesslog","login login 403 403 200", "login login 403 403 200"),
    "admin:axes_accesslog_delete":                             ("accesslog","login login 403 403 200", "login login 403 403 200"),
    "admin/axes/accesslog/<path:object_id>/":                ("accesslog","login login 302 302 302", "login login 302 302 302"),
    "admin:axes_accessfailurelog_changelist":                  ("",         "login login 403 403 200", "login login 403 403 200"),
    "admin:axes_accessfailurelog_add":                         ("",         "login login 403 403 403", "login login 403 403 403"),
    "admin:axes_accessfailurelog_change":                      ("failurelog","login login 403 403 200", "login login 403 403 302"),
    "admin:axes_accessfailurelog_history":                     ("failurelog","login login 403 403 200", "login login 403 403 200"),
    "admin:axes_accessfailurelog_delete":                      ("failurelog","login login 403 403 200", "login login 403 403 200"),
    "admin/axes/accessfailurelog/<path:object_id>/":         ("failurelog","login login 302 302 302", "login login 302 302 302"),
}
# fmt: on


def walk(patterns, prefix="", namespace=""):
    """(key, route, pattern) of every URL pattern: key is the namespaced name, or the route of an unnamed one."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in [namespace, pattern.namespace] if part)
            yield from walk(pattern.url_patterns, route, inner)
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or route, route, pattern


def patterns(urlconf=None):
    """{key: (route, pattern)} of every URL pattern of `urlconf` (by default the project's)."""
    return {key: (route, pattern) for key, route, pattern in walk(get_resolver(urlconf).url_patterns)}


def without_a_row(found):
    return [f"{key} (route {route})" for key, (route, _) in found.items() if key not in MATRIX]


PATTERNS = patterns()

REDIRECTS = {301, 302, 303, 307, 308}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """(the key of the session each persona is signed in to, in PERSONAS order, None for
    anonymous; one object of each kind a URL is built for), made once for the module's tests in
    a transaction rolled back after the last. Each test runs in a savepoint inside it (the `db`
    fixture), and each request in one more (ask): nothing a test or a request writes reaches
    the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        users = {persona: make_persona(persona) for persona in PERSONAS[1:]}
        yield [None, *map(session_of, users.values())], one_of_each(users["admin"])
        transaction.set_rollback(True)


def session_of(user):
    """The key of a session `user` is signed in to: signing in for every request was a third of this module's time."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def one_of_each(admin_user):
    """One object of each kind a URL is built for."""
    claim = make_claim("Russia fired 120 drones overnight.", speaker=make_speaker("Andrii Kovalenko"))
    article = make_article(make_outlet("Kyiv Independent"), headline="Drones overnight")
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="factcheck.tasks.run_import",
        backend_name="default",
        run_after=get_date_max(),
    )
    published = make_claim("The bridge reopened on Monday.")
    make_appearance(published, url="https://example.org/said")
    make_evidence(published, "supports")
    turned = make_claim("The dam held.", article=article)
    turned.set_status("disputed", by=admin_user, reason="Engineers say it cracked.")
    return {
        "case": CorrectionCase.objects.get(claim=turned),
        "claim": claim,
        "publication": PublishedVerdict.publish(
            published.set_status("verified", by=admin_user, reason="Seen open."), by=admin_user
        ),
        "speaker": claim.speaker,
        "outlet": article.outlet,
        "article": article,
        "evidence": make_evidence(claim),
        "note": Note.objects.create(claim=claim, body="Ask the ministry.", author=admin_user),
        "link": ClaimLink.link(claim, make_claim("Another claim."), ClaimLink.Kind.SAME_CLAIM),
        "event": claim.events.get(),
        "merge": merging.merge(
            duplicate := make_claim("Russia fired drones.", speaker=claim.speaker),
            kept := make_claim("Russia fired drones overnight.", speaker=claim.speaker),
            by=admin_user,
            reason="Recorded twice.",
            merged_version=duplicate.version,
            into_version=kept.version,
        ),
        "assignment": Assignment.objects.assign([claim], admin_user, by=admin_user)[0],
        "assignmentrecord": AssignmentRecord.objects.get(claim=claim),
        "notification": Notification.objects.create(recipient=admin_user, kind="assigned", claim=claim),
        "apitoken": ApiToken.create_for(admin_user, "CMS plugin")[0],
        "job": ImportJob.objects.create(
            created_by=admin_user, filename="claims.csv", format="csv", state=ImportState.INVALID, errors=[{"line": 2}]
        ),
        # Queued, so it has no file to download yet (404); test_export_jobs.py downloads written ones.
        "export": ExportJob.objects.create(created_by=admin_user, format="csv", claim_count=1, filename="claims.csv"),
        "mapping": ColumnMapping.objects.remember(["Who", "Said what"], ["speaker", "claim"], by=admin_user),
        "user": make_user("dave", staff=False),
        "group": Group.objects.get(name="Reviewers"),
        "task": task,
        "draft": make_draft(by=admin_user),
        "attempt": AccessAttempt.objects.create(username="mallory", ip_address="192.0.2.7", failures_since_start=3),
        "accesslog": AccessLog.objects.create(username="bob", ip_address="192.0.2.8"),
        "failurelog": AccessFailureLog.objects.create(username="mallory", ip_address="192.0.2.7"),
    }


def url_of(key, obj):
    """The URL of a pattern, for `obj` wherever the pattern takes an object id."""
    route, pattern = PATTERNS[key]
    values = {"app_label": "factcheck", "url": "nowhere/"}
    if obj is not None:
        content_type = ContentType.objects.get_for_model(obj)
        values |= {"pk": obj.pk, "object_id": obj.pk, "id": obj.pk, "content_type_id": content_type.pk}
    kwargs = {name: values[name] for name in pattern.pattern.regex.groupindex}
    if key != route:
        return reverse(key, kwargs=kwargs)
    # An unnamed pattern: its route, each parameter filled in.
    filled = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: str(kwargs[match[1]]), route)
    filled = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(kwargs[match[1]]), filled)
    return "/" + filled.replace("^", "").replace("$", "")


def answer(response, url):
    if response.status_code not in REDIRECTS:
        return str(response.status_code)
    login = reverse("admin:login") if url.startswith(reverse("admin:index")) else reverse(settings.LOGIN_URL)
    return "login" if response["Location"].split("?")[0] == login else "302"


def ask(session, method, url, *, cross_site=False):
    """What the persona signed in to `session` (None: anonymous) gets for `method` on `url`, as MATRIX writes it."""
    return answer(respond(session, method, url, cross_site=cross_site), url)


def respond(session, method, url, *, cross_site=False):
    """The response the persona signed in to `session` (None: anonymous) gets for `method` on `url`. Everything
    the request wrote is rolled back, and the cache the session is also kept in is emptied: signing
    out, say, cannot change who asks next. `cross_site`: asked as a page elsewhere would make the
    persona's browser ask, with their cookies (the CSRF one too) but without the page's CSRF token."""
    with transaction.atomic():
        client = Client(enforce_csrf_checks=cross_site)
        if session:
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        if cross_site:
            client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    caches[settings.SESSION_CACHE_ALIAS].clear()
    return response


# Query strings some URLs need to reach their permission check.
QUERIES = {"admin:autocomplete": "?app_label=factcheck&model_name=claim&field_name=speaker&term=Ko"}


def test_every_url_pattern_has_a_row_in_the_matrix():
    missing = without_a_row(PATTERNS)
    assert not missing, (
        f"URL patterns with no row in the permission matrix ({__name__}.MATRIX); add a row saying who may "
        f"GET and POST each: {', '.join(missing)}"
    )


# A URL configuration with one page more, as a new feature would add.
urlpatterns = [*project_urls.urlpatterns, path("stories/archive/", lambda request: None, name="story_archive")]


def test_a_new_url_pattern_without_a_row_is_named():
    assert without_a_row(patterns(__name__)) == ["story_archive (route stories/archive/)"]


def test_every_row_of_the_matrix_is_a_url_pattern():
    assert not MATRIX.keys() - PATTERNS.keys(), (
        f"rows for patterns that no longer exist: {MATRIX.keys() - PATTERNS.keys()}"
    )


@pytest.mark.parametrize("key", list(MATRIX))
def test_each_persona_gets_what_the_matrix_says(key, world, db):
    sessions, objects = world
    thing, *expected = MATRIX[key]
    url = url_of(key, objects[thing] if thing else None) + QUERIES.get(key, "")
    got = [" ".join(ask(session, method, url) for session in sessions) for method in ("get", "post")]
    assert got == expected, f"{url} for {', '.join(PERSONAS)}: GET and POST answer {got}, the matrix says {expected}"


# Django's admin login page sends a signed-in user on only for a GET; to a HEAD it answers its form.
HEAD_OTHERWISE = {"admin:login": "200 200 200 200 200"}


@pytest.mark.parametrize("key", list(MATRIX))
def test_head_answers_as_get_does_for_every_persona(key, world, db):
    """A HEAD (a link checker, a monitor, curl -I) gets what a GET gets, without the body: the
    pages and partials a persona may GET answered a HEAD with 405."""
    sessions, objects = world
    thing, expected_get, _ = MATRIX[key]
    expected_get = HEAD_OTHERWISE.get(key, expected_get)
    url = url_of(key, objects[thing] if thing else None) + QUERIES.get(key, "")
    responses = [respond(session, "head", url) for session in sessions]
    got = " ".join(answer(response, url) for response in responses)
    assert got == expected_get, f"{url} for {', '.join(PERSONAS)}: HEAD answers {got}, GET {expected_get}"
    assert all(response.content == b"" for response in responses)


# The one view that reads no cookie (a bearer token signs its requests in): a page elsewhere cannot use it.
CSRF_EXEMPT = {"api_check"}


@pytest.mark.parametrize("key", list(MATRIX))
def test_every_post_without_the_pages_csrf_token_is_refused(key, world, db):
    """Any POST (GET-only views included: a future one may take POSTs) that carries the superuser's
    cookies but not the CSRF token is refused, whatever the view does with it: a new view that
    forgot CSRF, or a decorator that exempted it, fails here."""
    sessions, objects = world
    thing = MATRIX[key][0]
    url = url_of(key, objects[thing] if thing else None) + QUERIES.get(key, "")
    got = ask(sessions[PERSONAS.index("admin")], "post", url, cross_site=True)
    if key in CSRF_EXEMPT:
        assert got == "401", f"{url} answers {got} to a cross-site POST with cookies but no token"
    else:
        assert got == "403", f"{url} answers {got} to a POST without the CSRF token, not 403"
