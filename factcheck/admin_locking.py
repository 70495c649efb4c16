"""Optimistic locking for the admin's change forms and their inlines: a stale save writes nothing.

Every change form, and every row of an editable inline, carries in a hidden field the fingerprint
of its record as the editor loaded it: a hash of every value a save of that record writes. When
the form comes back, the admin fetches the record and the inline's rows with SELECT ... FOR NO
KEY UPDATE, inside the transaction Django's admin opens for each POST, so no other save can come
between the comparison and the write. If a fingerprint no longer matches, or a row the page showed
is gone, the whole save is refused: the page comes back (409) holding the record as it is now,
with who changed it since (from the admin's LogEntry) and the editor's values beside the saved
ones, so the change can be made again knowingly, and a second click on Save cannot undo anyone's
change unseen.

A fingerprint rather than a version column: whatever writes a record (this admin, an import, the
reviewer pages, a script, SQL) changes its fingerprint without having to bump a counter, and no
table gets a column. `Claim.version` stays what it is, the version of the claim's status, written
by `Claim.set_status` alone: the status fields are left out of a claim's fingerprint just as
`Claim.save()` leaves them out of the row it writes, so a verdict given meanwhile neither makes an
edit of the claim's wording stale nor can be undone by it.
"""

import hashlib
import json
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import display_for_field, display_for_value
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q, TextField
from django.forms.models import BaseInlineFormSet, InlineForeignKeyField
from django.utils import timezone
from django.utils.timezone import localtime

from factcheck.forms import CleanTextField
from factcheck.models import display_name

FIELD = "edit_fingerprint"
EMPTY = "(empty)"
# An admin save stamps its LogEntry just before it commits: a change committed after the form was
# loaded can carry a time a little before it.
CLOCK_SLACK = timedelta(seconds=2)


def saved_fields(model):
    """The fields a save of `model` writes (a claim's save leaves its status fields alone)."""
    left_alone = getattr(model, "STATUS_FIELDS", frozenset())
    return [field for field in model._meta.concrete_fields if not field.primary_key and field.name not in left_alone]


def fingerprint(record):
    values = [[field.attname, field.value_to_string(record)] for field in saved_fields(type(record))]
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:32]


def loaded_at(token):
    """When the form carrying `token` was loaded, or None if the token does not say."""
    try:
        return datetime.fromtimestamp(float(token.partition(":")[2]), tz=UTC)
    except (ValueError, OverflowError):
        return None


class FingerprintField(forms.CharField):
    """The hidden fingerprint: compared when the form is saved, never itself an edit."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class LockedModelForm(forms.ModelForm):
    """A model form that refuses to save over a record changed since it was loaded.

    The instance is the record as fetched when the form is built: on a POST through the admin,
    under the row lock (LockedAdmin.get_object, LockedInlineFormSet).
    """

    edit_fingerprint = FingerprintField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The record as saved, before the posted values are put on the instance.
        self.saved = copy(self.instance) if self.instance.pk is not None else None
        self.stale = False
        if self.saved is not None:
            self.fields[FIELD].initial = f"{fingerprint(self.saved)}:{timezone.now().timestamp():.3f}"

    @property
    def token(self):
        return self.data.get(self.add_prefix(FIELD), "") if self.is_bound else ""

    @property
    def deleting(self):
        return bool(self.is_bound and getattr(self, "cleaned_data", {}).get("DELETE"))

    def clean(self):
        cleaned = super().clean()
        digest = self.token.partition(":")[0]
        if self.saved is not None:
            self.stale = digest != fingerprint(self.saved)
        else:
            # A row the page showed (it has a fingerprint) that is gone now, unless it was to go anyway.
            self.stale = bool(digest) and not cleaned.get("DELETE")
        if self.stale:
            raise ValidationError("This record was changed by someone else after you opened the page.", code="stale")
        return cleaned


class LockedInlineFormSet(BaseInlineFormSet):
    """An inline whose rows are locked when they come back, and refused whole if one is stale."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            # Fetched once, when the first form is built, inside the admin's transaction.
            self.queryset = self.queryset.select_for_update(no_key=True, of=("self",))

    def clean(self):
        super().clean()
        # Deleted forms too: the formset ignores their errors, and a changed row must not go unseen.
        if any(form.stale for form in self.forms):
            raise ValidationError("A row was changed by someone else after you opened the page.", code="stale")


def differences(form):
    """[(label, saved value, posted value)] for each field of `form` where the two differ.

    For a row that is gone, or a new one, every field with a posted value.
    """
    model = form._meta.model
    editable = {field.name: field for field in saved_fields(model)}
    rows = []
    for name, form_field in form.fields.items():
        model_field = editable.get(name)
        if model_field is None or isinstance(form_field, InlineForeignKeyField) or form_field.disabled:
            continue
        data = form[name].data
        if form.saved is not None:
            if not form_field.has_changed(model_field.value_from_object(form.saved), data):
                continue
            saved = display_for_field(getattr(form.saved, name), model_field, EMPTY, avoid_link=True)
        else:
            if data in form_field.empty_values:
                continue
            saved = EMPTY
        if name in getattr(form, "cleaned_data", {}):
            yours = display_for_field(form.cleaned_data[name], model_field, EMPTY, avoid_link=True)
        else:
            yours = display_for_value(data, EMPTY)
        rows.append((form[name].label, saved, yours))
    return rows


@dataclass
class Record:
    """One record on a refused page: what happened to it and the values to compare."""

    name: str
    what: str
    rows: list
    stale: bool = False


@dataclass
class EditConflict:
    """What the page shows when a save was refused as stale."""

    loaded_at: datetime | None
    changes: list = field(default_factory=list)
    records: list = field(default_factory=list)

    @classmethod
    def of(cls, forms, *, user):
        """The conflict as the bound `forms` (the change form first, then the inline rows) show it."""
        times = [time for time in (loaded_at(form.token) for form in forms if form.token) if time]
        conflict = cls(loaded_at=min(times, default=None))
        for form in forms:
            record = conflict.record_for(form)
            if record:
                conflict.records.append(record)
        # The page's record, and each stale row (one that is gone too: its deletion may be logged).
        records = [forms[0]] + [form for form in forms[1:] if form.stale]
        conflict.changes = conflict.admin_changes([(form._meta.model, posted_pk(form)) for form in records], user)
        return conflict

    @staticmethod
    def record_for(form):
        opts = form._meta.model._meta
        if form.saved is not None:
            name = f"{opts.verbose_name} “{form.saved}”"
        elif form.token:
            name = f"{opts.verbose_name} #{posted_pk(form)}"
        else:
            name = f"new {opts.verbose_name}"
        if form.stale and form.saved is None:
            return Record(name, "deleted by someone else after you opened the page", differences(form), stale=True)
        if form.stale:
            what = "changed by someone else after you opened the page"
            what += "; you asked to delete it" if form.deleting else ""
            return Record(name, what, differences(form), stale=True)
        if form.deleting:
            return Record(name, "you asked to delete it: not deleted", [])
        if form.saved is None and not form.token and form.has_changed():
            return Record(name, "yours: not added", differences(form))
        rows = differences(form) if form.saved is not None and form.has_changed() else []
        return Record(name, "your change: not saved", rows) if rows else None

    @property
    def summary(self):
        """One line: which records changed, by whom and when."""
        latest = {display_name(entry.user): entry.action_time for entry in self.changes}
        who = ", ".join(f"{name} at {localtime(time):%H:%M:%S %Z}" for name, time in latest.items())
        return (
            f"Nothing was saved: {' and '.join(record.name for record in self.records if record.stale)} "
            f"changed after you opened this page, {f'by {who}' if who else 'not through the admin'}. "
            "The form shows the saved values; yours are listed beside them."
        )

    def admin_changes(self, records, user):
        """The admin's log of changes to `records` ((model, pk) pairs) since the page was loaded, oldest first.

        Inline rows are logged under the record whose page they were saved on: that one is first.
        """
        if self.loaded_at is None:
            return []
        which = Q()
        for model, pk in records:
            which |= Q(content_type=ContentType.objects.get_for_model(model), object_id=str(pk))
        # Within the slack, only others' changes: the editor's own were there when the page loaded.
        since = Q(action_time__gte=self.loaded_at) | (Q(action_time__gte=self.loaded_at - CLOCK_SLACK) & ~Q(user=user))
        return list(LogEntry.objects.filter(which, since).select_related("user").order_by("action_time", "id"))


class LockedFields:
    """The forms of a ModelAdmin or an inline (every admin form that edits a record) carry the
    fingerprint of what they loaded, and clean their text boxes as every road in cleans free text."""

    form = LockedModelForm

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, TextField):
            # A browser posts a text box's line breaks as CR LF: CleanTextField stores them as LF
            # (factcheck.text.clean_text). A field kept exactly (a story's body, a claim's span) or on
            # one line (a claim) names its own form_class.
            kwargs.setdefault("form_class", CleanTextField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [item for item in options["fields"] if item != FIELD]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        # Only where something is edited: a read-only view would show the field as a row.
        if obj is not None and self.has_change_permission(request, obj):
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "fields": [*options["fields"], FIELD]})
        return fieldsets


class LockedAdmin(LockedFields, admin.ModelAdmin):
    """A ModelAdmin whose change form refuses a stale save; see the module's docstring."""

    def get_object(self, request, object_id, from_field=None):
        """The record; when it is posted to, locked against other saves until this request's transaction ends."""
        if request.method != "POST":
            return super().get_object(request, object_id, from_field)
        # ModelAdmin.get_object, with the lock (every admin POST runs in a transaction).
        records = self.get_queryset(request).select_for_update(no_key=True, of=("self",))
        key = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            return records.get(**{key.name: key.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        forms = posted_forms(request, response)
        if not any(form.stale for form in forms):
            return response
        conflict = EditConflict.of(forms, user=request.user)
        self.message_user(request, conflict.summary, messages.ERROR)
        # The page again as a GET would give it: the saved values in the form, the editor's beside them.
        reload = copy(request)
        reload.method = "GET"
        response = super().changeform_view(
            reload, object_id, form_url, {**(extra_context or {}), "edit_conflict": conflict}
        )
        response.status_code = 409
        return response


def posted_pk(form):
    """The id of the record a form was loaded with, as posted (its row may be gone)."""
    if form.saved is not None:
        return form.saved.pk
    return form[form._meta.model._meta.pk.name].data if form.token else None


def posted_forms(request, response):
    """The bound change form and inline forms of a change page answered to a POST, or []."""
    context = getattr(response, "context_data", None) or {}
    if (
        request.method != "POST"
        or "adminform" not in context
        or not isinstance(context["adminform"].form, LockedModelForm)
    ):
        return []
    inline_forms = [
        form
        for inline in context["inline_admin_formsets"]
        for form in inline.formset.forms
        if isinstance(form, LockedModelForm)
    ]
    return [context["adminform"].form, *inline_forms]


class LockedTabularInline(LockedFields, admin.TabularInline):
    formset = LockedInlineFormSet


class LockedStackedInline(LockedFields, admin.StackedInline):
    formset = LockedInlineFormSet
