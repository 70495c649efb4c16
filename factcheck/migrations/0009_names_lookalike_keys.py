"""Speakers and outlets get the key that finds look-alike names (factcheck.text.lookalike_key).

Stored names lose their invisible characters and take their NFKC form (factcheck.text.clean_name),
and their normalized_name follows, unless another speaker (or outlet) already has that key:
such a pair differed only by invisible characters and is left for an editor to merge, each
named as the other's look-alike in the admin.
"""

from django.db import migrations, models

from factcheck.text import clean_name, lookalike_key, normalize_name


def clean_names(apps, schema_editor):
    for model_name in ["Speaker", "Outlet"]:
        model = apps.get_model("factcheck", model_name)
        taken = set(model.objects.values_list("normalized_name", flat=True))
        for entity in model.objects.only("name", "normalized_name").iterator():
            name = clean_name(entity.name)
            key = normalize_name(name)
            fields = {"lookalike_key": lookalike_key(name)}
            if name != entity.name and (key == entity.normalized_name or key not in taken):
                taken.add(key)
                fields.update(name=name, normalized_name=key)
            model.objects.filter(pk=entity.pk).update(**fields)


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0008_importjob_checked_in_the_background"),
    ]

    operations = [
        migrations.AddField(
            model_name="outlet",
            name="lookalike_key",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="speaker",
            name="lookalike_key",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.RunPython(clean_names, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="outlet",
            index=models.Index(fields=["lookalike_key"], name="outlet_lookalike_idx"),
        ),
        migrations.AddIndex(
            model_name="speaker",
            index=models.Index(fields=["lookalike_key"], name="speaker_lookalike_idx"),
        ),
    ]
