"""The editors' admin; the admins' import screens are in factcheck/admin_import.py.

Nothing here writes a claim's status except through `Claim.set_status`: the status and
version fields are not editable, and the status actions need `factcheck.change_claim_status`.
Every form that edits a shared record, and every editable inline, refuses a save from a stale
page (factcheck.admin_locking). The import screens live in factcheck.admin_import.
"""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import (
    AdminTextareaWidget,
    AdminURLFieldWidget,
    AutocompleteSelect,
    ForeignKeyRawIdWidget,
)
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, URLField, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime

from factcheck import merging, models, notifying, storydesk, tasks
from factcheck.admin_locking import (
    LockedAdmin,
    LockedInlineFormSet,
    LockedModelForm,
    LockedStackedInline,
    LockedTabularInline,
)
from factcheck.exporting import export_response, left_out_of_claimreview
from factcheck.forms import ClaimTextField, CleanNameField, CleanTextField, ExactTextField, QuantityField
from factcheck.models import (
    SPAN_CONTEXT,
    ApiToken,
    Appearance,
    AppearanceRevision,
    Article,
    ArticleRevision,
    Assignment,
    AssignmentRecord,
    Claim,
    ClaimLink,
    ClaimMerge,
    ClaimRevision,
    Evidence,
    LinkKind,
    NotAssignable,
    Note,
    Notification,
    Outlet,
    PublishedVerdict,
    Speaker,
    SpeakerKind,
    Venue,
    VerificationEvent,
    assignable_people,
    merged_refusal,
    normalize_name,
    search_matches,
    words_found,
)
from factcheck.revisions import recording_speaker_changes
from factcheck.templatetags.links import is_web_url
from factcheck.text import clean_name, holds_markup, lookalike_difference, lookalike_key
from factcheck.verification import (
    Attribution,
    PublicationRefused,
    StaleVersion,
    Status,
    TransitionRefused,
)

# Named for the app the desk knows, not for the framework ("Django administration").
admin.site.site_header = admin.site.site_title = "factcheck admin"

# A status change is checked and recorded claim by claim, and the editor reads the list
# before confirming: a few screens' worth, not the whole table.
MAX_STATUS_CHANGES = 100
MAX_LINKED_CLAIMS = 10
# A search term that is part of many speakers' names (“a”) matches claims by words instead.
MAX_NAMED_SPEAKERS = 50


def count_of(queryset, field):
    """A per-row count as a correlated subquery: only the rows on the page are counted."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def claims_link(count, **filters):
    url = f"{reverse('admin:factcheck_claim_changelist')}?{urlencode(filters)}"
    return format_html('<a href="{}">{} claim{}</a>', url, count, "" if count == 1 else "s")


# Who added an object is recorded, not typed: these fields are read-only in every form.
SIGNED_BY = {Evidence: "added_by", Note: "author", ClaimLink: "created_by"}


def sign(obj, user):
    if type(obj) in SIGNED_BY:
        setattr(obj, SIGNED_BY[type(obj)], user)


def save_new(obj, request):
    """Save an object added in the admin, signed by its user; a note through Note.record (it notifies
    the mentioned), its writer told who was notified and who was not, as the claim's page tells them."""
    if isinstance(obj, Note):
        obj.record(by=request.user)
        notified, untold = notifying.mentions_told(obj, request.user)
        told = [f"{', '.join(notified)} notified."] if notified else []
        if told or untold:
            messages.add_message(request, messages.WARNING if untold else messages.INFO, " ".join([*told, *untold]))
    else:
        sign(obj, request.user)
        obj.save()


class SignedAdmin(LockedAdmin):
    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            save_new(obj, request)


class AssignPeopleForm(forms.Form):
    person = forms.ModelChoiceField(queryset=None, label="Person", help_text="They are notified of each assignment.")
    what = forms.ChoiceField(
        label="Do", choices=[("assign", "Assign them"), ("unassign", "Take them off")], initial="assign"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = assignable_people().order_by("username")


@admin.action(permissions=["assign"], description="Assign to a person…")
def assign_people(model_admin, request, queryset):
    """Assign the selected claims or stories to a person (or take them off), after a page to choose whom."""
    if queryset.count() > MAX_STATUS_CHANGES:
        model_admin.message_user(request, f"Select at most {MAX_STATUS_CHANGES} to assign at once.", messages.ERROR)
        return None
    form = AssignPeopleForm(request.POST if "apply" in request.POST else None)
    targets, opts = list(queryset), model_admin.opts
    if not form.is_bound or not form.is_valid():
        context = {
            **model_admin.admin_site.each_context(request),
            "title": f"Assign {len(targets)} {opts.verbose_name_plural if len(targets) != 1 else opts.verbose_name}",
            "opts": model_admin.opts,
            "targets": targets,
            "form": form,
            "action_field": posted_action_field(request),
            "action": request.POST[posted_action_field(request)],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/factcheck/confirm_assignment.html", context)
    person = form.cleaned_data["person"]
    if form.cleaned_data["what"] == "unassign":
        count = Assignment.objects.unassign(targets, person, by=request.user)
        model_admin.message_user(
            request, f"Took {models.display_name(person)} off {count} of {len(targets)}.", messages.SUCCESS
        )
    else:
        try:
            count = len(Assignment.objects.assign(targets, person, by=request.user))
        except NotAssignable as refusal:
            model_admin.message_user(request, f"Nobody was assigned. {refusal}", messages.ERROR)
            return None
        model_admin.message_user(
            request,
            f"Assigned {count} of {len(targets)} to {models.display_name(person)} (the others were theirs already).",
            messages.SUCCESS,
        )
    return None


class AssigningAdmin:
    """Claims and stories: the bulk assignment action, for editors (factcheck.assign_work)."""

    def has_assign_permission(self, request):
        return request.user.has_perm("factcheck.assign_work")


class WebURLFieldWidget(AdminURLFieldWidget):
    """The admin's URL input, whose "Currently:" link appears only for http and https URLs."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if not is_web_url(value):
            context["url_valid"] = False
            context["widget"]["href"] = ""
        return context


WEB_URL_INPUTS = {URLField: {"widget": WebURLFieldWidget}}


class NormalizedNameForm(LockedModelForm):
    """A speaker's or outlet's name, cleaned as on every road in, and checked against the others.

    A second speaker (or outlet) whose name differs only in case, accents, punctuation or
    invisible characters is refused: the unique key is `normalized_name`, which is not a form
    field, so the form would not check it. A name that looks like another's but is written with
    other characters (Cyrillic е for Latin e) is refused once, with a link to the look-alike:
    saving the same name again (the hidden `lookalike_confirmed` then carries its key) confirms
    that it is another speaker.
    """

    lookalike_confirmed = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        field_classes = {"name": CleanNameField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self.data.copy()  # clean_name sets the confirmation the warning asks for

    def clean_name(self):
        name = self.cleaned_data["name"]
        key = normalize_name(name)
        if not key:
            raise ValidationError("A name needs at least one letter or digit.")
        if self._meta.model is Outlet and holds_markup(name):
            # Refused by the story desk and imports too: exports write relays between " > ".
            raise ValidationError(storydesk.outlet_name_problem(name))
        others = self._meta.model.objects.exclude(pk=self.instance.pk)
        twin = others.filter(normalized_name=key).first()
        if twin:
            raise ValidationError(f"“{twin}” already exists; two names that differ only in spelling are one.")
        lookalikes = list(others.lookalikes(name)[:5])
        confirmation = self.add_prefix("lookalike_confirmed")
        if lookalikes and self.data.get(confirmation) != lookalike_key(name):
            self.data[confirmation] = lookalike_key(name)
            raise ValidationError(lookalike_warning(name, lookalikes))
        return name


def lookalike_warning(name, lookalikes):
    """“Zеlеnskyy” looks like the speaker <a>Zelenskyy</a> (#3) …: what an editor needs to decide, with links."""
    opts = lookalikes[0]._meta
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a> (#{})',
        (
            (reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[other.pk]), other, other.pk)
            for other in lookalikes
        ),
    )
    difference = lookalike_difference(name, lookalikes[0].name)
    return format_html(
        "“{}” looks like the {} {}: a possible duplicate{}. If it is another {}, save again to add it.",
        name,
        opts.verbose_name,
        links,
        f" ({difference})" if difference else "",
        opts.verbose_name,
    )


class AliasesField(forms.CharField):
    """A JSON list of names, edited one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [clean_name(line) for line in (value or "").splitlines() if clean_name(line)]


class SpeakerForm(NormalizedNameForm):
    aliases = AliasesField(required=False, help_text="Other spellings of the name, one per line.")


class NameSearch:
    """Speakers and outlets (their lists and the autocompletes that pick them): found by name as the
    queue's filters find them, accents, case and punctuation ignored ("jose" finds "José"), besides
    the search fields' own matches."""

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if key := normalize_name(search_term):
            found = found | queryset.filter(normalized_name__contains=key)
        return found, duplicates


@admin.register(Speaker)
class SpeakerAdmin(NameSearch, LockedAdmin):
    form = SpeakerForm
    list_display = ["name", "kind", "title", "affiliation", "claims"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases", "title", "affiliation"]
    fields = [
        *("name", "kind", "title", "affiliation", "aliases", "wikidata_id", "description", "claims"),
        "lookalike_confirmed",
    ]
    readonly_fields = ["claims"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_count=count_of(Claim.objects, "speaker"))

    @admin.display(description="claims", ordering="claim_count")
    def claims(self, speaker):
        return claims_link(speaker.claim_count, speaker__id__exact=speaker.pk) if speaker.pk else None


@admin.register(Outlet)
class OutletAdmin(NameSearch, LockedAdmin):
    form = NormalizedNameForm
    list_display = ["name", "kind", "domain", "claims"]
    list_filter = ["kind"]
    search_fields = ["name", "domain"]
    fields = ["name", "kind", "domain", "claims", "lookalike_confirmed"]
    readonly_fields = ["claims"]

    def get_queryset(self, request):
        appearances = Appearance.objects.filter(outlet=OuterRef("pk")).order_by().values("outlet")
        claims = appearances.annotate(n=Count("claim", distinct=True)).values("n")
        return (
            super()
            .get_queryset(request)
            .annotate(claim_count=Coalesce(Subquery(claims, output_field=IntegerField()), 0))
        )

    @admin.display(description="claims made or relayed here", ordering="claim_count")
    def claims(self, outlet):
        return claims_link(outlet.claim_count, appearances__outlet__id__exact=outlet.pk) if outlet.pk else None


class ReadOnlyInline(admin.TabularInline):
    """Rows shown for reading: nobody adds, changes or removes them here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ArticleClaimInline(ReadOnlyInline):
    model = Claim
    # Each row is headed by the claim itself, linked to its page.
    fields = ["speaker", "status_label"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "claims reported in this article"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker")

    @admin.display(description="status")
    def status_label(self, claim):
        return claim.status_label


class RevisionInline(ReadOnlyInline):
    """The edits the database recorded, newest first."""

    fields = ["at", "by", "where", "changed"]
    readonly_fields = fields
    verbose_name_plural = "edits (recorded by the database, append-only)"

    @admin.display(description="where")
    def where(self, revision):
        return revision.where

    @staticmethod
    def changes_html(revision):
        """ "Label: before → after", a line a field."""
        changes = [
            (label.capitalize(), before or "(none)", after or "(none)") for label, before, after in revision.changes()
        ]
        return format_html_join(mark_safe("<br>"), "{}: {} → {}", changes)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by").order_by("-at", "-id")


class ArticleRevisionInline(RevisionInline):
    model = ArticleRevision

    @admin.display(description="what changed")
    def changed(self, revision):
        lines = [
            ("Headline:", f"{before} → {after}") for label, before, after in revision.changes() if label == "headline"
        ]
        lines += [("−" if sign == "-" else "+", line) for sign, line in revision.body_diff()]
        return format_html_join(mark_safe("<br>"), "{} {}", lines)


@admin.register(Article)
class ArticleAdmin(AssigningAdmin, LockedAdmin):
    formfield_overrides = WEB_URL_INPUTS
    list_display = ["headline", "outlet", "published", "state", "claims"]
    list_filter = ["state", "outlet", "published"]
    list_select_related = ["outlet"]
    search_fields = ["headline", "url"]
    autocomplete_fields = ["outlet"]
    fields = ["headline", "outlet", "url", "published", "state", "body", "claims"]
    # A draft is published from its pre-publication check, by an editor who signed it off.
    readonly_fields = ["state", "claims"]
    inlines = [ArticleClaimInline, ArticleRevisionInline]
    actions = [assign_people]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            # Claims find their spans in the body: saved as posted, CR LF, it changed every line.
            kwargs["form_class"] = ExactTextField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_count=count_of(Claim.objects, "article"))

    @admin.display(description="claims", ordering="claim_count")
    def claims(self, article):
        return claims_link(article.claim_count, article__id__exact=article.pk) if article.pk else None


class RelayFilter(admin.SimpleListFilter):
    """Direct, or passed on by another outlet (the queue's `relay`); "did they say it?" is the attribution
    field's filter."""

    title = "direct or relayed"
    parameter_name = "heard"

    def lookups(self, request, model_admin):
        return [("direct", "Direct"), ("relayed", "Relayed by another outlet")]

    def queryset(self, request, queryset):
        if self.value() == "direct":
            return queryset.direct()
        if self.value() == "relayed":
            return queryset.relayed()
        return queryset


class VenueFilter(admin.SimpleListFilter):
    """Claims with an appearance at this venue: EXISTS, not the DISTINCT over every column of a relation filter."""

    title = "venue"
    parameter_name = "venue"

    def lookups(self, request, model_admin):
        return Venue.choices

    def queryset(self, request, queryset):
        return queryset.at_venue(self.value()) if self.value() else queryset


class OutletFilter(admin.SimpleListFilter):
    """Claims an outlet published, or that were made on or relayed by it (ClaimOutlet), as in the queue."""

    title = "outlet"
    parameter_name = "outlet"

    def lookups(self, request, model_admin):
        return list(Outlet.objects.order_by("name").values_list("pk", "name"))

    def queryset(self, request, queryset):
        value = self.value()
        # isdecimal, not isdigit: "²" is a digit int() refuses.
        if value and value.isdecimal() and int(value) <= models.LARGEST_ID:
            return queryset.involving_outlet(int(value))
        return queryset


class SpeakerKindFilter(admin.SimpleListFilter):
    title = "speaker kind"
    parameter_name = "speaker_kind"

    def lookups(self, request, model_admin):
        return SpeakerKind.choices

    def queryset(self, request, queryset):
        return queryset.filter(speaker__kind=self.value()) if self.value() else queryset


class OfClaimInline:
    """An inline of a claim's parts: nothing added, changed or removed once the claim is merged into another."""

    def has_add_permission(self, request, obj):
        return not (obj and obj.merged_into_id) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.merged_into_id) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.merged_into_id) and super().has_delete_permission(request, obj)


class NamedAutocompleteSelect(AutocompleteSelect):
    """The autocomplete, naming its selected row from `names` (read once for the form) instead of a query per row."""

    def __init__(self, *args, names, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = names

    def optgroups(self, name, value, attr=None):
        selected = [str(item) for item in value if str(item) not in self.choices.field.empty_values]
        if any(pk not in self.names for pk in selected):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        options += [self.create_option(name, pk, self.names[pk], True, len(options)) for pk in selected]
        return [(None, options, 0)]


class NamedRawIdWidget(ForeignKeyRawIdWidget):
    """The raw-id input, naming its row from `names` instead of a query per row."""

    def __init__(self, *args, names, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = names

    def label_and_url_for_value(self, value):
        if str(value) in self.names:
            return self.names[str(value)], ""
        return super().label_and_url_for_value(value)


class AppearanceForm(LockedModelForm):
    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "venue_type" in self.changed_data:
            # The file's words described the venue it gave: beside the editor's venue they would say
            # Interview (“press briefing”). The record of this edit keeps them (AppearanceRevision).
            self.instance.venue_text = None
        return cleaned

    def clean_relayed_from(self):
        source = self.cleaned_data["relayed_from"]
        if source and source.claim_id != self.instance.claim_id:
            raise ValidationError("Pick an appearance of this same claim (its number is in the first column).")
        return source


class AppearanceFormSet(LockedInlineFormSet):
    """A claim's appearances, of which one stays while its verdict is published: the public page says where."""

    def clean(self):
        super().clean()
        claim = self.instance
        if claim.pk is None or (claim.article_id and claim.article.is_public):
            return
        removed = [form for form in self.forms if form.instance.pk and self._should_delete_form(form)]
        kept = [form for form in self.forms if (form.has_changed() or form.instance.pk) and form not in removed]
        if not removed or kept:
            return
        if PublishedVerdict.objects.live().filter(claim=claim).exists():
            raise ValidationError(
                "This claim's verdict is published, and its public page says where the claim was made: "
                "keep one appearance (add another before removing this one), or withdraw the publication first.",
                code="published_needs_appearance",
            )


class AppearanceInline(OfClaimInline, LockedTabularInline):
    formfield_overrides = WEB_URL_INPUTS
    model = Appearance
    form = AppearanceForm
    formset = AppearanceFormSet
    fields = ["number", "venue_type", "venue_text", "outlet", "relayed_from", "when", "date", "url"]
    # The venue in an imported file's words: shown, not typed; an editor's new venue drops them (AppearanceForm).
    readonly_fields = ["number", "venue_text"]
    autocomplete_fields = ["outlet"]
    raw_id_fields = ["relayed_from"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("outlet")

    def get_formset(self, request, obj=None, **kwargs):
        # Each row's outlet and the appearance it relays, named from one query for the whole
        # claim: Django's widgets ask the database once per row each.
        shown = self.get_queryset(request).filter(claim=obj) if obj else []
        request.appearance_names = {
            "outlet": {str(item.outlet_id): str(item.outlet) for item in shown if item.outlet_id},
            "relayed_from": {str(item.pk): str(item) for item in shown},
        }
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        names = getattr(request, "appearance_names", {}).get(db_field.name)
        if names is not None and db_field.name == "outlet":
            kwargs["widget"] = NamedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using"), names=names
            )
        elif names is not None:
            kwargs["widget"] = NamedRawIdWidget(
                db_field.remote_field, self.admin_site, using=kwargs.get("using"), names=names
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="no.")
    def number(self, appearance):
        return appearance.pk


class EvidenceInline(OfClaimInline, LockedStackedInline):
    """Evidence no verdict cites yet: editable. Cited evidence is shown by CitedEvidenceInline.

    A row a verdict came to cite after the page was loaded is no longer among these: the save is
    refused as stale (factcheck.admin_locking), and the page shows it again, frozen.
    """

    formfield_overrides = WEB_URL_INPUTS
    model = Evidence
    fields = ["stance", "primary_source", "url", "citation", "summary", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).uncited().select_related("added_by")


class CitedEvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["stance", "source", "summary", "added_by", "added_at"]
    readonly_fields = fields
    verbose_name_plural = "evidence cited by a verdict (frozen: to correct it, add new evidence)"

    def get_queryset(self, request):
        return super().get_queryset(request).cited().select_related("added_by")

    @admin.display(description="source")
    def source(self, evidence):
        return evidence.url or evidence.citation


class NoteInline(OfClaimInline, LockedStackedInline):
    model = Note
    fields = ["body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class ClaimRevisionInline(RevisionInline):
    model = ClaimRevision

    def get_queryset(self, request):
        return super().get_queryset(request).named()

    @admin.display(description="what changed")
    def changed(self, revision):
        return self.changes_html(revision)


class AppearanceRevisionInline(RevisionInline):
    """The claim's appearances changed or removed, as the claim page's history lists them."""

    model = AppearanceRevision
    verbose_name_plural = "appearance edits (recorded by the database, append-only)"

    def get_queryset(self, request):
        return super().get_queryset(request).named()

    @admin.display(description="what changed")
    def changed(self, revision):
        if revision.removed:
            return format_html("Appearance removed: {}", revision.summary())
        return format_html("Appearance changed: {}", self.changes_html(revision))


class HistoryInline(ReadOnlyInline):
    model = VerificationEvent
    fields = ["at", "axis", "from_label", "to_label", "by", "reason", "cited"]
    readonly_fields = fields
    verbose_name_plural = "verification history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by").prefetch_related("evidence")

    @admin.display(description="from")
    def from_label(self, event):
        return event.from_label

    @admin.display(description="to")
    def to_label(self, event):
        return event.to_label

    @admin.display(description="evidence cited")
    def cited(self, event):
        return "; ".join(str(item) for item in event.evidence.all()) or None


class MergeInline(ReadOnlyInline):
    """The claims merged into this one: who, when, why, what moved."""

    model = ClaimMerge
    fk_name = "into"
    fields = ["merged", "by", "at", "reason", "moved"]
    readonly_fields = fields
    verbose_name_plural = "claims merged into this one (append-only)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("merged", "by")


class ReasonForm(forms.Form):
    reason = CleanTextField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        error_messages={"required": "Give a reason for the change; it is kept in each claim's history."},
        help_text="Recorded in the history of every claim this changes.",
    )


class PublicTextForm(forms.Form):
    """The text a publication action asks for: a summary to publish (optional) or why a verdict is withdrawn."""

    text = CleanTextField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}), max_length=5000)

    def __init__(self, *args, label, required, help_text, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label, self.fields["text"].required = label, required
        self.fields["text"].help_text = help_text


def posted_ids(request, prefix):
    """{record id: the id posted as `<prefix>-<record id>`}: what the confirmation page showed."""
    found = {}
    for key, value in request.POST.items():
        record = key.removeprefix(f"{prefix}-")
        if record != key and record.isdecimal() and value.isdecimal():
            found[int(record)] = int(value)
    return found


def confirm_publication(model_admin, request, *, title, rows, form, submit, explanation):
    """The confirmation page of the publish and withdraw actions: what will change, and the text to give."""
    action_field = posted_action_field(request)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
        "rows": rows,
        "form": form,
        "submit": submit,
        "explanation": explanation,
        "action_field": action_field,
        "action": request.POST[action_field],
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/factcheck/confirm_publication.html", context)


def report_each(model_admin, request, done, records, refusals):
    """One message for what was done, one for each record refused and why."""
    model_admin.message_user(
        request,
        f"{done} {len(records) - len(refusals)} of {len(records)}.",
        messages.SUCCESS if len(refusals) < len(records) else messages.WARNING,
    )
    for record, why in refusals:
        model_admin.message_user(request, f"Not done: “{record}” (#{record.pk}). {why}", messages.WARNING)


def posted_versions(request):
    """The version of each claim as the editor saw it on the confirmation page, by claim id."""
    versions = {}
    for key, value in request.POST.items():
        claim_id = key.removeprefix("version-")
        if claim_id != key and claim_id.isdecimal() and value.isdecimal():
            versions[int(claim_id)] = int(value)
    return versions


def posted_action_field(request):
    """The action select's name: the change form prefixes it with its location."""
    name = f"{admin.ActionLocation.CHANGE_FORM.value}-action"
    return name if name in request.POST else "action"


# Stands in for the reason an editor has not typed yet: Claim.refusal asks every other rule.
REASON_TO_COME = "The reason the editor is about to give."


def refused_action(model_admin, request):
    """The answer to a changelist POST of an action this person may not use (a reviewer replaying
    "Mark verified"), or of none there is: back to the list, saying why. Django's own answer lists the
    claims again and says nothing. None for any other request."""
    name = request.POST.get("action") if request.method == "POST" else None
    if not name or name in model_admin.get_actions(request):
        return None
    known = {action.name: action.description for action in model_admin._get_base_actions()}
    if name in known:
        why = f"you may not use “{known[name]}” (it needs a permission you do not have)."
    else:
        why = f"there is no action “{name}”."
    model_admin.message_user(request, f"Nothing was changed: {why}", messages.ERROR)
    return HttpResponseRedirect(request.get_full_path())


def status_action(new_status, description):
    """An action that moves the selected claims to `new_status`, on the changelist and on a claim's page."""

    @admin.action(
        permissions=["change_status"],
        description=description,
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def action(model_admin, request, queryset):
        return model_admin.change_status(request, queryset, new_status)

    return action


class BoundedPaginator(Paginator):
    """The claims changelist's pages, without counting a million claims.

    Unfiltered on PostgreSQL, the count is the planner's estimate (pg_class.reltuples, kept by
    ANALYZE) once that is past COUNT_BOUND; otherwise the count stops at COUNT_BOUND. Either way
    only the first MAX_PAGES pages are offered: further on, filters and search find a claim
    faster than paging. A page is read as the ids of its rows first (an index-only scan, however
    deep) and then those rows, so the joins run for one page's claims, not every claim skipped.
    """

    COUNT_BOUND = 10_000
    MAX_PAGES = 1_000

    @cached_property
    def count(self):
        claims = self.object_list
        estimate = 0
        if connection.vendor == "postgresql" and not claims.query.where:
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Claim._meta.db_table])
                estimate = int(cursor.fetchone()[0])  # -1 for a table never analysed
        if estimate < self.COUNT_BOUND:
            estimate = claims.order_by()[: self.COUNT_BOUND].count()
        return min(estimate, self.MAX_PAGES * self.per_page)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {claim.pk: claim for claim in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def attribution_action(new_attribution, description):
    """An action that records whether the selected claims' speakers said them, as status_action does."""

    @admin.action(
        permissions=["change_status"],
        description=description,
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def action(model_admin, request, queryset):
        return model_admin.change_status(request, queryset, new_attribution, axis="attribution")

    return action


class ClaimForm(LockedModelForm):
    class Meta:
        field_classes = {"text": ClaimTextField, "quote": CleanTextField, "quantity_value": QuantityField}
        labels = {"span_exact": "The claim’s words in the story"}
        help_texts = {"span_exact": "Exactly as the story has them; the claim’s page finds and marks them there."}


SPAN_FIELDS = {"span_exact"}


def words_around(context, *, before):
    """The words just before (or after) a claim's span as a person reads them: whole words, and an
    ellipsis where the stored context (SPAN_CONTEXT characters, cut wherever they end) stopped short
    of the story's start (or end), the word it cut into left out."""
    words = context.split()
    if len(context) < SPAN_CONTEXT:  # it reaches the story's edge: nothing was cut
        return " ".join(words)
    if before:
        return "…" + " ".join(words if context[0].isspace() else words[1:])
    return " ".join(words if context[-1].isspace() else words[:-1]) + "…"


@admin.register(Claim)
class ClaimAdmin(AssigningAdmin, LockedAdmin):
    form = ClaimForm
    list_display = ["claim", "speaker", "venue", "status_label", "attribution_label", "article_headline", "last_change"]
    list_filter = [
        "status",
        "attribution",
        VenueFilter,
        SpeakerKindFilter,
        OutletFilter,
        RelayFilter,
        "kind",
        ("merged_into", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["speaker", "article", "status_changed_by"]
    search_fields = ["text", "quote", "speaker__name"]
    search_help_text = "Searches the claim, the verbatim quote and the speaker's name."
    autocomplete_fields = ["speaker", "article"]
    # The full count would be a second COUNT(*) over the whole table on every filtered page.
    show_full_result_count = False
    paginator = BoundedPaginator
    fieldsets = [
        (None, {"fields": ["text", "quote", "speaker", "kind"]}),
        ("In the article", {"fields": ["article", "words_before", "span_exact", "words_after"]}),
        ("Quantity", {"fields": ["quantity_value", "quantity_unit", "quantity_qualifier"]}),
        (
            "Verification",
            {
                "fields": [
                    *("status_label", "attribution_label", "status_changed_at", "status_changed_by"),
                    *("version", "merged"),
                ],
                "description": "The status and the attribution change only through the actions, with a reason.",
            },
        ),
    ]
    readonly_fields = [
        "words_before",
        "words_after",
        "status_label",
        "attribution_label",
        "status_changed_at",
        "status_changed_by",
        "version",
        "merged",
    ]
    inlines = [
        *(AppearanceInline, EvidenceInline, CitedEvidenceInline, NoteInline, HistoryInline, ClaimRevisionInline),
        *(AppearanceRevisionInline, MergeInline),
    ]
    actions = [
        "mark_verified",
        "mark_disputed",
        "mark_false",
        "mark_unconfirmed",
        "publish_verdicts",
        "confirm_attribution",
        "mark_relayed",
        "mark_misattributed",
        "mark_denied",
        "attribution_not_checked",
        "link_as_same_claim",
        "link_as_contradicting",
        "merge_duplicates",
        "export_csv",
        "export_claimreview",
        assign_people,
    ]

    def get_queryset(self, request):
        appearances = Appearance.objects.select_related("outlet")
        return super().get_queryset(request).prefetch_related(Prefetch("appearances", queryset=appearances))

    def get_search_results(self, request, queryset, search_term):
        """The words as the queue searches them, accents and case ignored: on PostgreSQL through the
        stored, GIN-indexed search document (ILIKE over text and quote read every claim, 3.6 s at 1M),
        on SQLite with models.words_found; or the speaker's name, as the speaker filter reads it."""
        if not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        found = search_matches(search_term) if connection.vendor == "postgresql" else words_found(search_term)
        speakers = Speaker.objects.filter(normalized_name__contains=normalize_name(search_term))
        named = Q(speaker__in=list(speakers.values_list("pk", flat=True)[:MAX_NAMED_SPEAKERS]))
        return queryset.filter(found | named), False

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        # Claims are withdrawn or merged, not deleted; with history the database refuses anyway.
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.events.exists():
            return False
        return super().has_delete_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        # A merged claim is read-only (the database refuses any change to it as well).
        return not (obj and obj.merged_into_id) and super().has_change_permission(request, obj)

    def has_merge_permission(self, request):
        return request.user.has_perm("factcheck.merge_claims")

    def has_change_status_permission(self, request):
        return request.user.has_perm("factcheck.change_claim_status")

    def has_import_permission(self, request):
        return request.user.has_perm("factcheck.import_claims")

    def has_publish_permission(self, request):
        return request.user.has_perm("factcheck.publish_verdict")

    def changelist_view(self, request, extra_context=None):
        if refused := refused_action(self, request):
            return refused
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in SPAN_FIELDS:
            # A form's default trimming, and a one-line box's dropping of line breaks, changed the
            # words around the span on every save, and recorded that as an edit.
            kwargs.update(form_class=ExactTextField, widget=AdminTextareaWidget(attrs={"rows": 2}))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not (change and "speaker" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        previous = Speaker.objects.get(pk=form.initial["speaker"])
        with recording_speaker_changes():
            super().save_model(request, obj, form, change)
            obj.speaker_changed(previous, by=request.user, how="in the admin")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            # Recorded once its appearances are saved: they give its first attribution state.
            claim = form.instance
            claim.set_status(Status.UNCONFIRMED, by=request.user, reason=f"Added in the admin by {request.user}.")

    def save_formset(self, request, form, formset, change):
        for item in formset.save(commit=False):
            if item.pk is None:
                save_new(item, request)
            else:
                item.save()
        for item in formset.deleted_objects:
            item.delete()
        formset.save_m2m()

    # The words around the span are the app's to keep (they find the span again when the story
    # changes): shown, cut as a reader would cut them, not typed.
    @admin.display(description="Words before the claim in the story")
    def words_before(self, claim):
        return words_around(claim.span_prefix, before=True)

    @admin.display(description="Words after the claim in the story")
    def words_after(self, claim):
        return words_around(claim.span_suffix, before=False)

    @admin.display(description="merged into")
    def merged(self, claim):
        if not claim.merged_into_id:
            return None
        record = ClaimMerge.objects.select_related("by").get(merged=claim)
        url = reverse("admin:factcheck_claim_change", args=[claim.merged_into_id])
        when = date_format(localtime(record.at), "DATETIME_FORMAT")
        return format_html(
            '<a href="{}">Claim #{}</a>, by {} on {}: {} (read-only since)',
            url,
            claim.merged_into_id,
            models.display_name(record.by),
            when,
            record.reason,
        )

    @admin.display(description="claim", ordering="text")
    def claim(self, claim):
        return str(claim)

    @admin.display(description="venue / outlet")
    def venue(self, claim):
        return claim.venue_line() or None

    @admin.display(description="status", ordering="status")
    def status_label(self, claim):
        return claim.status_label

    @admin.display(description="did they say it?", ordering="attribution")
    def attribution_label(self, claim):
        return claim.attribution_label

    @admin.display(description="article", ordering="article__headline")
    def article_headline(self, claim):
        return Truncator(claim.article.headline).chars(60) if claim.article else None

    @admin.display(description="last change", ordering="status_changed_at")
    def last_change(self, claim):
        if not claim.status_changed_at:
            return None
        when = date_format(localtime(claim.status_changed_at), "DATETIME_FORMAT")
        if claim.status_changed_by is None:  # the column may name no one (SQL, the shell)
            return when
        return f"{when} by {models.display_name(claim.status_changed_by)}"

    mark_verified = status_action(Status.VERIFIED, "Mark verified")
    mark_disputed = status_action(Status.DISPUTED, "Mark disputed")
    mark_false = status_action(Status.FALSE, "Mark false")
    mark_unconfirmed = status_action(Status.UNCONFIRMED, "Back to unable to confirm")
    confirm_attribution = attribution_action(Attribution.CONFIRMED, "Attribution: confirmed at the source")
    mark_relayed = attribution_action(Attribution.RELAYED, "Attribution: only relayed")
    mark_misattributed = attribution_action(Attribution.MISATTRIBUTED, "Attribution: misattributed")
    mark_denied = attribution_action(Attribution.DENIED, "Attribution: denied by the speaker")
    attribution_not_checked = attribution_action(Attribution.NOT_CHECKED, "Attribution: back to not checked")

    def change_status(self, request, queryset, new_status, *, axis="status"):
        """Ask for the reason, then apply the change claim by claim and report each refusal.

        `axis` is "status" (set_status) or "attribution" (set_attribution): the same page and rules.
        """
        if not self.has_change_status_permission(request):
            raise PermissionDenied
        count = queryset.count()
        if count > MAX_STATUS_CHANGES:
            self.message_user(
                request,
                f"Select at most {MAX_STATUS_CHANGES} claims for a status change ({count} selected); "
                "nothing was changed.",
                messages.ERROR,
            )
            return None
        claims = list(queryset.select_related("speaker"))
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            action_field = posted_action_field(request)
            prefetch_related_objects(claims, "evidence")
            foreseen = [(claim, claim.refusal(axis, new_status, reason=REASON_TO_COME)) for claim in claims]
            context = {
                **self.admin_site.each_context(request),
                "title": f"Mark {count} claim{'' if count == 1 else 's'} “{new_status.label}”",
                "opts": self.opts,
                "claims": foreseen,
                "any_changes": any(refusal is None for _, refusal in foreseen),
                "new_status": new_status,
                "axis": axis,
                "form": form,
                "action_field": action_field,
                "action": request.POST[action_field],
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/factcheck/claim/change_status.html", context)

        versions = posted_versions(request)
        refusals = []
        for claim in claims:
            # set_status writes each claim in its own transaction: a refusal leaves the others changed.
            try:
                decide = claim.set_attribution if axis == "attribution" else claim.set_status
                decide(new_status, by=request.user, reason=form.cleaned_data["reason"], version=versions.get(claim.pk))
            except TransitionRefused as refusal:
                refusals.append((claim, refusal.message))
            except StaleVersion as stale:
                refusals.append((claim, str(stale)))
        changed = len(claims) - len(refusals)
        self.message_user(
            request,
            f"Marked {changed} of {len(claims)} claim{'' if len(claims) == 1 else 's'} “{new_status.label}”.",
            messages.SUCCESS if changed else messages.WARNING,
        )
        for claim, why in refusals:
            self.message_user(request, f"Not changed: “{claim}” (#{claim.pk}). {why}", messages.WARNING)
        return None

    @admin.action(
        permissions=["publish"],
        description="Publish the current verdict",
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def publish_verdicts(self, request, queryset):
        """Show each claim's latest verdict and ask for a public summary, then publish them claim by claim."""
        if queryset.count() > MAX_STATUS_CHANGES:
            self.message_user(request, f"Select at most {MAX_STATUS_CHANGES} claims to publish.", messages.ERROR)
            return None
        latest = VerificationEvent.objects.order_by("claim_id", "-version")
        claims = list(queryset.select_related("speaker").prefetch_related(Prefetch("events", latest)))
        form = PublicTextForm(
            request.POST if "apply" in request.POST else None,
            label="Public summary",
            required=False,
            help_text="Shown on the public page of every verdict published here; left empty, each verdict's reason.",
        )
        if not form.is_bound or not form.is_valid():
            rows = [(claim, next(iter(claim.events.all()), None)) for claim in claims]
            return confirm_publication(
                self,
                request,
                title=f"Publish the verdict of {len(claims)} claim{'' if len(claims) == 1 else 's'}",
                rows=[(claim, event, "event", event.pk if event else 0, describe(event)) for claim, event in rows],
                form=form,
                submit="Publish",
                explanation="Each claim's latest verdict is published on its own public page and in the "
                "ClaimReview feed, replacing what was published of it before. Only verdicts given here "
                "(verified, disputed or false; never an import's) can be: the others are reported and left.",
            )
        posted, refusals = posted_ids(request, "event"), []
        for claim in claims:
            event = next((event for event in claim.events.all() if event.pk == posted.get(claim.pk)), None)
            try:
                if event is None:
                    raise PublicationRefused("Its verdict changed since the confirmation page was shown.")
                PublishedVerdict.publish(event, by=request.user, summary=form.cleaned_data["text"])
            except PublicationRefused as refusal:
                refusals.append((claim, refusal.message))
        report_each(self, request, "Published the verdict of", claims, refusals)
        return None

    @admin.action(permissions=["change"], description="Link as the same claim")
    def link_as_same_claim(self, request, queryset):
        self.link_together(request, queryset, LinkKind.SAME_CLAIM)

    @admin.action(permissions=["change"], description="Link as conflicting claims")
    def link_as_contradicting(self, request, queryset):
        self.link_together(request, queryset, LinkKind.CONTRADICTS)

    @admin.action(permissions=["merge"], description="Merge two duplicate claims…")
    def merge_duplicates(self, request, queryset):
        """Two claims selected: show both, ask which to keep and why, then merge the other into it."""
        claims = list(queryset.select_related("speaker").order_by("created_at", "pk")[:3])
        if len(claims) != 2:
            self.message_user(request, "Select exactly two claims to merge one into the other.", messages.ERROR)
            return None
        versions = posted_versions(request)
        refusals = merging.refusals_by_kept(claims)
        # Offered first: the older claim, unless only the other may be kept.
        keep = request.POST.get("keep") or str(next((c.pk for c in claims if not refusals[c.pk]), claims[0].pk))
        kept = next((claim for claim in claims if str(claim.pk) == keep), claims[0])
        duplicate = next(claim for claim in claims if claim is not kept)
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        problems = []
        if form.is_valid():
            try:
                record = merging.merge(
                    duplicate,
                    kept,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    merged_version=versions.get(duplicate.pk, -1),
                    into_version=versions.get(kept.pk, -1),
                    speakers_differ=request.POST.get("speakers_differ") == "on",
                )
            except (merging.MergeRefused, StaleVersion) as refused:
                problems.append(merging.nothing_merged(refused))
                claims = list(Claim.objects.select_related("speaker").filter(pk__in=[claim.pk for claim in claims]))
            else:
                self.message_user(
                    request,
                    f"Merged claim #{duplicate.pk} into claim #{kept.pk}: it gained {record.moved_summary()}.",
                    messages.SUCCESS,
                )
                return None
        action_field = posted_action_field(request)
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge two duplicate claims",
            "opts": self.opts,
            "claims": sorted(claims, key=lambda claim: (claim.created_at, claim.pk)),
            "keep": kept.pk,
            "refusals": [(pk, why) for pk, why in refusals.items() if why],
            "mergeable": not all(refusals.values()),
            "speakers_differ": claims[0].speaker_id != claims[1].speaker_id,
            "speakers_differ_label": merging.SPEAKERS_DIFFER_CONFIRMATION,
            "problems": problems,
            "form": form,
            "action_field": action_field,
            "action": request.POST[action_field],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/factcheck/claim/merge.html", context, status=409 if problems else 200)

    @admin.action(permissions=["import"], description="Export selected claims as CSV")
    def export_csv(self, request, queryset):
        return self.export(request, queryset, "csv")

    @admin.action(permissions=["import"], description="Export selected claims as ClaimReview JSON-LD")
    def export_claimreview(self, request, queryset):
        return self.export(request, queryset, "claimreview")

    def export(self, request, queryset, format):
        """Up to FACTCHECK_EXPORT_DIRECT_MAX claims downloaded at once; more are written by the task worker
        (a request is killed at 30 s), and their export job's page offers the file."""
        # The export reads its own prefetches (factcheck.exporting.for_export), hence prefetch_related(None).
        claims = queryset.prefetch_related(None)
        most = settings.FACTCHECK_EXPORT_DIRECT_MAX
        # Counted only up to the limit: "select all" of a million claims counted them all (8 s, cold).
        count = claims[: most + 1].count()
        if count > most:
            job = tasks.queue_export(claims, format, user=request.user)
            page = reverse("admin:factcheck_exportjob_change", args=[job.pk])
            queued = 'Export of {} claims queued; you’ll find it under <a href="{}">Exports</a>.'
            self.message_user(request, format_html(queued, f"{job.claim_count:,}", page), messages.SUCCESS)
            return None
        if format == "claimreview" and (left_out := left_out_of_claimreview(claims)):
            self.message_user(request, left_out_message(left_out, count), messages.WARNING)
        return export_response(claims, format)

    def link_together(self, request, queryset, kind):
        count = queryset.count()
        if not 2 <= count <= MAX_LINKED_CLAIMS:
            self.message_user(
                request, f"Select between 2 and {MAX_LINKED_CLAIMS} claims to link ({count} selected).", messages.ERROR
            )
            return
        if queryset.filter(merged_into__isnull=False).exists():
            self.message_user(
                request, "A claim merged into another is read-only: link the claim it was merged into.", messages.ERROR
            )
            return
        made = queryset.link_together(kind, by=request.user)
        label = LinkKind(kind).label.lower()
        self.message_user(
            request,
            f"Made {made} new “{label}” link{'' if made == 1 else 's'} between the {count} selected claims.",
            messages.SUCCESS,
        )


def left_out_message(left_out, count):
    """What a ClaimReview export of `count` claims says of the `left_out` it leaves out, and why."""
    return (
        f"{left_out:,} of the {count:,} selected claims left out of the ClaimReview export: "
        "no verdict of ours is published for them, and a ClaimReview is a published verdict, at the "
        "page where the public reads it. A status imported from another checker or a file is never "
        "ours to publish; an editor's verdict is, once published. The CSV export carries them all."
    )


class NewStatusFilter(admin.ChoicesFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "new status"


class ChangedByFilter(admin.RelatedFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "who changed it"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept for reading: nobody adds, changes or deletes them through the admin's forms."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VerificationEvent)
class VerificationEventAdmin(ReadOnlyAdmin):
    """The append-only history: readable by whoever may view it, changed by nobody."""

    list_display = ["at", "claim_start", "change", "by", "reason_start"]
    list_filter = ["axis", ("to_status", NewStatusFilter), "to_attribution", ("by", ChangedByFilter), "decided_here"]
    list_select_related = ["claim", "by"]
    ordering = ["-at", "-id"]
    search_fields = ["reason", "claim__text"]
    fields = [
        *("claim", "axis", "from_status", "to_status", "from_attribution", "to_attribution"),
        *("by", "at", "reason", "version", "evidence", "decided_here"),
    ]
    show_full_result_count = False

    @admin.display(description="claim", ordering="claim__text")
    def claim_start(self, event):
        return Truncator(event.claim.text).chars(70)

    @admin.display(description="change", ordering="to_status")
    def change(self, event):
        axis = "Attribution: " if event.is_attribution else ""
        return f"{axis}{event.from_label} → {event.to_label}"

    @admin.display(description="reason")
    def reason_start(self, event):
        return Truncator(event.reason).chars(100)


@admin.register(ClaimMerge)
class ClaimMergeAdmin(ReadOnlyAdmin):
    """The append-only record of merges: readable by whoever may view it, changed by nobody."""

    list_display = ["at", "merged", "into", "by", "reason"]
    list_select_related = ["merged", "into", "by"]
    ordering = ["-at", "-id"]
    search_fields = ["reason", "merged__text", "into__text"]
    fields = ["merged", "into", "by", "at", "reason", "merged_version", "into_version", "moved"]
    show_full_result_count = False


class OnUnmergedClaims(LockedModelForm):
    """A claim's part (evidence, a note, a link) is not added to, moved to or changed on a merged
    claim: it is read-only, and its page leads to the claim kept, where the part was never seen."""

    def clean(self):
        cleaned = super().clean()
        for name in ("claim", "from_claim", "to_claim"):
            claim = cleaned.get(name)
            if isinstance(claim, Claim) and claim.merged_into_id:
                self.add_error(name, merged_refusal(claim).message)
        return cleaned


class ClaimLinkForm(OnUnmergedClaims):
    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("from_claim"), cleaned.get("to_claim")
        # Symmetric links are stored lower id first (a constraint); the editor need not care.
        if first and second and cleaned.get("kind") in ClaimLink.SYMMETRIC and first.pk > second.pk:
            cleaned["from_claim"], cleaned["to_claim"] = second, first
        return cleaned


def describe(event):
    if event is None:
        return "no verdict"
    return f"{event.to_label}{'' if event.decided_here else ' (imported: cannot be published)'}"


class PublicationStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", "Published"), ("withdrawn", "Withdrawn"), ("replaced", "Replaced")]

    def queryset(self, request, queryset):
        return {
            "live": queryset.live(),
            "withdrawn": queryset.filter(withdrawal__isnull=False),
            "replaced": queryset.filter(replaced_by__isnull=False),
        }.get(self.value(), queryset)


@admin.register(PublishedVerdict)
class PublishedVerdictAdmin(ReadOnlyAdmin):
    """Published verdicts, read here and never edited (append-only); editors withdraw them with a reason."""

    list_display = ["at", "claim_start", "verdict", "by", "state", "public_page"]
    list_filter = [PublicationStateFilter]
    list_select_related = ["claim", "event", "by", "withdrawal", "replaced_by"]
    search_fields = ["claim__text", "summary"]
    fields = ["claim", "event", "verdict", "by", "at", "summary", "state", "public_page"]
    readonly_fields = fields
    actions = ["withdraw"]
    show_full_result_count = False

    def has_publish_permission(self, request):
        return request.user.has_perm("factcheck.publish_verdict")

    @admin.display(description="claim", ordering="claim__text")
    def claim_start(self, publication):
        return Truncator(publication.claim.text).chars(70)

    @admin.display(description="verdict")
    def verdict(self, publication):
        return publication.rating.label

    @admin.display(description="state")
    def state(self, publication):
        if publication.is_withdrawn:
            withdrawal = publication.withdrawal
            when = date_format(localtime(withdrawal.at), "DATETIME_FORMAT")
            return f"Withdrawn {when} by {models.display_name(withdrawal.by)}: {withdrawal.reason}"
        return "Replaced by a newer verdict" if publication.is_replaced else "Published"

    @admin.display(description="public page")
    def public_page(self, publication):
        return format_html('<a href="{}">{}</a>', publication.get_absolute_url(), publication.get_absolute_url())

    @admin.action(permissions=["publish"], description="Withdraw the selected verdicts")
    def withdraw(self, request, queryset):
        """Ask why (the public pages say it), then withdraw each verdict still published."""
        publications = list(queryset.select_related("claim", "event", "withdrawal", "replaced_by")[:MAX_STATUS_CHANGES])
        form = PublicTextForm(
            request.POST if "apply" in request.POST else None,
            label="Why",
            required=True,
            help_text="Shown on the public page of every verdict withdrawn here.",
        )
        if not form.is_bound or not form.is_valid():
            return confirm_publication(
                self,
                request,
                title=f"Withdraw {len(publications)} published verdict{'' if len(publications) == 1 else 's'}",
                rows=[(item.claim, item.event, "publication", item.pk, item.rating.label) for item in publications],
                form=form,
                submit="Withdraw",
                explanation="Each verdict leaves the ClaimReview feed; its public page then says it was "
                "withdrawn, when, and why. Nothing is deleted.",
            )
        refusals = []
        for publication in publications:
            try:
                publication.withdraw(by=request.user, reason=form.cleaned_data["text"])
            except PublicationRefused as refusal:
                refusals.append((publication, refusal.message))
        report_each(self, request, "Withdrew", publications, refusals)
        return None


@admin.register(ClaimLink)
class ClaimLinkAdmin(SignedAdmin):
    form = ClaimLinkForm
    list_display = ["from_claim", "kind", "to_claim", "created_by", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["from_claim", "to_claim", "created_by"]
    search_fields = ["from_claim__text", "to_claim__text"]
    autocomplete_fields = ["from_claim", "to_claim"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(Evidence)
class EvidenceAdmin(SignedAdmin):
    """Evidence, editable until a verdict cites it; then frozen, read here and deleted by nobody."""

    form = OnUnmergedClaims
    formfield_overrides = WEB_URL_INPUTS
    list_display = ["claim", "stance", "source", "added_by", "added_at", "cited"]
    list_filter = ["stance"]
    list_select_related = ["claim", "added_by"]
    search_fields = ["summary", "url", "citation", "claim__text"]
    autocomplete_fields = ["claim"]
    fields = ["claim", "stance", "url", "citation", "summary", "added_by", "added_at", "cited"]
    readonly_fields = ["added_by", "added_at", "cited"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_is_cited()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_cited)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_cited)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A form loaded before a verdict cited the evidence: say so, rather than a bare 403.
        if request.method == "POST" and object_id and Evidence.objects.cited().filter(pk=object_id).exists():
            self.message_user(request, FROZEN_EVIDENCE, messages.ERROR)
            return redirect(request.path)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_deleted_objects(self, objs, request):
        """Cited evidence among those selected blocks the deletion, listed as protected."""
        deletable, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        cited = Evidence.objects.cited().filter(pk__in=[item.pk for item in objs])
        if cited and super().has_delete_permission(request):
            # has_delete_permission() refused the cited items: the citation blocks them, not the user's rights.
            perms_needed.discard(self.opts.verbose_name)
        protected = [
            *protected,
            *(f"{item} (cited by a verdict, so frozen: add new evidence instead)" for item in cited),
        ]
        return deletable, counts, perms_needed, protected

    @admin.display(description="source")
    def source(self, evidence):
        return Truncator(evidence.url or evidence.citation).chars(60)

    @admin.display(description="cited by a verdict", boolean=True)
    def cited(self, evidence):
        return evidence.is_cited


FROZEN_EVIDENCE = (
    "This evidence is cited by a verdict, so it is frozen: nothing was changed. To correct it, add new evidence."
)


@admin.register(Note)
class NoteAdmin(SignedAdmin):
    form = OnUnmergedClaims
    list_display = ["claim", "body_start", "author", "created_at"]
    list_select_related = ["claim", "author"]
    search_fields = ["body", "claim__text"]
    autocomplete_fields = ["claim"]
    fields = ["claim", "body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    @admin.display(description="note")
    def body_start(self, note):
        return Truncator(note.body).chars(80)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    """Who works on what now; assign from the claims' and stories' lists (the action) or their pages."""

    list_display = ["assignee", "claim", "article", "assigned_by", "assigned_at"]
    list_select_related = ["assignee", "claim", "article", "assigned_by"]
    list_filter = ["assigned_at"]
    search_fields = ["assignee__username"]
    show_full_result_count = False


@admin.register(AssignmentRecord)
class AssignmentRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "assignee", "claim", "article", "by"]
    list_select_related = ["assignee", "claim", "article", "by"]
    list_filter = ["action", "at"]
    search_fields = ["assignee__username", "by__username"]
    show_full_result_count = False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "actor", "claim", "article", "read_at"]
    list_select_related = ["recipient", "actor", "claim", "article"]
    list_filter = ["kind", "created_at"]
    search_fields = ["recipient__username"]
    show_full_result_count = False


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """The JSON API's tokens: made with `manage.py api_token` (the token is shown once, there), read
    here, and revoked here or there: a token leaked from a CMS is stopped from the admin at once."""

    list_display = ["name", "user", "hint", "created_at", "expires_at", "last_used_at", "token_state"]
    list_select_related = ["user"]
    search_fields = ["name", "hint", "user__username"]
    fields = ["name", "user", "hint", "created_at", "expires_at", "last_used_at", "revoked_at", "token_state"]
    actions = ["revoke"]

    def has_revoke_permission(self, request):
        return request.user.has_perm("factcheck.change_apitoken")

    @admin.display(description="state")
    def token_state(self, token):
        return token.state.label

    @admin.action(permissions=["revoke"], description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        live = list(queryset.live())  # an expired token is stopped already: revoking it would stop nothing
        for token in live:
            token.revoke()
        self.message_user(request, f"Revoked {len(live)} of the {len(queryset)} tokens selected.", messages.SUCCESS)


# The import screens register themselves; they build on ReadOnlyAdmin above.
from factcheck import admin_export, admin_import  # noqa: E402, F401
