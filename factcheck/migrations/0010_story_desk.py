"""The story desk (issue 9): story drafts under review, and the key that finds a story pasted twice.

- StoryDraft keeps a pasted story and its proposed claims until saving turns it into an Article.
- Article.body_digest (text_digest of the body) finds a story pasted again with the same text;
  existing articles get theirs here.
- Reviewers and Editors may use the desk (add, view and change story drafts).
- pg_trgm on PostgreSQL, for the tracked claims that look like a proposal.
"""

import hashlib
import unicodedata

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

DESK_PERMISSIONS = ["add_storydraft", "change_storydraft", "view_storydraft"]


def digest(text):
    # factcheck.models.text_digest as it is today: a migration must not change with the model.
    words = unicodedata.normalize("NFC", text).split()
    return hashlib.sha256(" ".join(words).encode()).hexdigest() if words else ""


def fill_digests(apps, schema_editor):
    Article = apps.get_model("factcheck", "Article")
    articles = Article.objects.exclude(body="").only("pk", "body")
    changed = []
    for article in articles.iterator(chunk_size=500):
        article.body_digest = digest(article.body)
        changed.append(article)
    Article.objects.bulk_update(changed, ["body_digest"], batch_size=500)


def let_the_groups_use_the_desk(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="factcheck", codename__in=DESK_PERMISSIONS)
    for group in Group.objects.filter(name__in=["Reviewers", "Editors"]):
        group.permissions.add(*permissions)


def take_the_desk_away(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="factcheck", codename__in=DESK_PERMISSIONS)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Reviewers", "Editors"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0009_names_lookalike_keys"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="StoryDraft",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("headline", models.CharField(max_length=500)),
                ("new_outlet", models.CharField(blank=True, max_length=200)),
                (
                    "new_outlet_kind",
                    models.CharField(
                        choices=[
                            ("news", "News organisation"),
                            ("social", "Social platform"),
                            ("wire", "Wire service"),
                            ("government", "Government channel"),
                            ("other", "Other"),
                        ],
                        default="news",
                        max_length=20,
                    ),
                ),
                ("url", models.URLField(blank=True, max_length=1000)),
                ("published", models.DateField(blank=True, null=True)),
                ("body", models.TextField()),
                ("body_digest", models.CharField(editable=False, max_length=64)),
                ("proposals", models.JSONField(blank=True, default=list)),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="article",
            name="body_digest",
            field=models.CharField(blank=True, db_default="", default="", editable=False, max_length=64),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("body_digest", ""), _negated=True),
                fields=["body_digest"],
                name="article_digest_idx",
            ),
        ),
        migrations.AddField(
            model_name="storydraft",
            name="article",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="drafts",
                to="factcheck.article",
            ),
        ),
        migrations.AddField(
            model_name="storydraft",
            name="created_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="storydraft",
            name="outlet",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="factcheck.outlet",
            ),
        ),
        migrations.AddIndex(
            model_name="storydraft",
            index=models.Index(
                condition=models.Q(("article__isnull", True)), fields=["body_digest"], name="storydraft_digest_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="storydraft",
            index=models.Index(
                condition=models.Q(("article__isnull", True), models.Q(("url", ""), _negated=True)),
                fields=["url"],
                name="storydraft_url_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="storydraft",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("outlet__isnull", False), models.Q(("new_outlet", ""), _negated=True), _connector="OR"
                ),
                name="storydraft_has_outlet",
            ),
        ),
        migrations.AddConstraint(
            model_name="storydraft",
            constraint=models.CheckConstraint(
                condition=models.Q(("new_outlet_kind__in", ["news", "social", "wire", "government", "other"])),
                name="storydraft_outlet_kind_valid",
            ),
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop),
        migrations.RunPython(let_the_groups_use_the_desk, take_the_desk_away),
    ]
