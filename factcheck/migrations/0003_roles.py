"""The Editors and Reviewers groups and what each may do."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["claim", "speaker", "outlet", "article", "appearance", "evidence", "note", "claimlink"]

REVIEWER_PERMISSIONS = [f"view_{model}" for model in MODELS] + [
    "view_verificationevent",
    "add_evidence",
    "add_note",
]
EDITOR_PERMISSIONS = (
    REVIEWER_PERMISSIONS
    + [f"{action}_{model}" for model in MODELS for action in ("add", "change")]
    + ["delete_appearance", "delete_claimlink", "change_claim_status"]
)


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in [("Reviewers", REVIEWER_PERMISSIONS), ("Editors", EDITOR_PERMISSIONS)]:
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="factcheck", codename__in=set(codenames))
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions missing for group {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reviewers", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0002_append_only_events_and_search"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
