"""The forms of the reviewer workspace: the queue's filters and the actions on a claim."""

from datetime import UTC, datetime, time, timedelta

from django import forms
from django.utils import timezone

from factcheck import models
from factcheck.models import Article, Claim, ClaimKind, Evidence, Note, Outlet, Venue
from factcheck.text import clean_name, clean_text
from factcheck.verification import CHOICES as STATUS_CHOICES
from factcheck.verification import Status

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100

ANY_STATUS = "all"
SORTS = {
    # The sort a person picks, and the keyset it pages on.
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "relevance": ("-rank", "-created_at", "-id"),
}


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def encode_cursor(values):
    """The `after` parameter for the page that follows the row with these sort values.

    Times are written as whole microseconds since 1970, so the value needs no URL escaping.
    """
    return "~".join(
        str((value - EPOCH) // MICROSECOND) if isinstance(value, datetime) else repr(value) for value in values
    )


def decode_cursor(text, ordering):
    """The sort values in an `after` parameter, or None when it does not fit `ordering`."""
    parts = text.split("~")
    if len(parts) != len(ordering):
        return None
    parse = {"rank": float, "created_at": lambda part: EPOCH + int(part) * MICROSECOND, "id": int}
    try:
        return [parse[field.lstrip("-")](part) for field, part in zip(ordering, parts, strict=True)]
    except (ValueError, OverflowError):
        return None


class CleanTextField(forms.CharField):
    """Text as a person typed it, less invisible and bidi control characters, in NFKC (factcheck.text.clean_text)."""

    def to_python(self, value):
        return clean_text(super().to_python(value))


class CleanNameField(forms.CharField):
    """A speaker's or outlet's name, cleaned as every road in cleans names (factcheck.text.clean_name)."""

    def to_python(self, value):
        return clean_name(super().to_python(value))


class WithoutColons:
    """Labels read "Speaker", not Django's default "Speaker:"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PageForm(WithoutColons, forms.Form):
    """How many rows a list shows and where it resumes: `limit` and `after` in the URL."""

    limit = forms.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, required=False, widget=forms.HiddenInput)
    after = forms.CharField(required=False, widget=forms.HiddenInput)

    def chosen_sort(self):
        return "newest"

    def page(self, claims):
        """One page of `claims` in the chosen sort, and the `after` value of the next page (None at the end)."""
        ordering = SORTS[self.chosen_sort()]
        if self.chosen_sort() == "relevance":
            claims = claims.within_newest(models.RANKED_MATCHES)
        limit = self.cleaned_data.get("limit") or PAGE_SIZE
        cursor = decode_cursor(self.cleaned_data.get("after") or "", ordering)
        rows, last = claims.keyset_page(ordering, cursor, limit)
        return rows, encode_cursor(last) if last else None

    def clean_after(self):
        after = self.cleaned_data["after"]
        if after and decode_cursor(after, SORTS[self.chosen_sort()]) is None:
            raise forms.ValidationError("This link to more results is broken; start again from the first page.")
        return after


class ClaimFilterForm(PageForm):
    """The queue's filters, all optional; an unbound status means the unconfirmed claims."""

    q = CleanTextField(label="Search", required=False, max_length=200, widget=forms.SearchInput)
    status = forms.ChoiceField(
        choices=[*STATUS_CHOICES, (ANY_STATUS, "Any status")], required=False, initial=Status.UNCONFIRMED
    )
    speaker = CleanNameField(
        required=False, max_length=200, help_text="A name or part of it; accents and case do not matter."
    )
    outlet = forms.ModelChoiceField(
        Outlet.objects.all(), required=False, empty_label="Any outlet", help_text="Published, made on or relayed by."
    )
    venue = forms.ChoiceField(label="Venue", choices=[("", "Any venue"), *Venue.choices], required=False)
    relay = forms.ChoiceField(
        label="Direct or relayed",
        choices=[("", "Direct or relayed"), ("direct", "Direct"), ("relayed", "Relayed by another outlet")],
        required=False,
    )
    kind = forms.ChoiceField(choices=[("", "Any kind"), *ClaimKind.choices], required=False)
    article = forms.ModelChoiceField(Article.objects.select_related("outlet"), required=False, widget=forms.HiddenInput)
    since = forms.DateField(label="Recorded from", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="Recorded until", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(
        choices=[
            ("", "Best match, or newest"),
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("relevance", "Best match"),
        ],
        required=False,
    )

    secondary = ["outlet", "venue", "relay", "kind", "since", "until", "sort"]

    def __init__(self, data, **kwargs):
        data = data.copy()
        data.setdefault("status", Status.UNCONFIRMED)
        super().__init__(data, **kwargs)

    def get_chosen_sort_display(self):
        relevance = f"best match first among the {models.RANKED_MATCHES} newest matches"
        return {"newest": "newest first", "oldest": "oldest first", "relevance": relevance}[self.chosen_sort()]

    def chosen_status(self):
        return self.cleaned_data.get("status") or Status.UNCONFIRMED

    def chosen_sort(self):
        # clean_after runs before sort is cleaned, so this reads the raw value too.
        chosen = (self.cleaned_data.get("sort") or self.data.get("sort") or "").strip()
        searching = bool((self.data.get("q") or "").strip())
        if chosen in ("newest", "oldest"):
            return chosen
        return "relevance" if searching else "newest"

    def claims(self, *, with_status=True):
        """The claims these filters select (only the valid ones apply), with or without the status filter."""
        data = self.cleaned_data
        claims = Claim.objects.search(data.get("q", ""))
        if with_status and self.chosen_status() != ANY_STATUS:
            claims = claims.filter(status=self.chosen_status())
        if data.get("speaker"):
            claims = claims.spoken_by(data["speaker"])
        if data.get("outlet"):
            claims = claims.involving_outlet(data["outlet"])
        if data.get("venue"):
            claims = claims.at_venue(data["venue"])
        if data.get("relay") == "direct":
            claims = claims.direct()
        elif data.get("relay") == "relayed":
            claims = claims.relayed()
        if data.get("kind"):
            claims = claims.filter(kind=data["kind"])
        if data.get("article"):
            claims = claims.filter(article=data["article"])
        if data.get("since"):
            claims = claims.filter(created_at__gte=start_of(data["since"]))
        if data.get("until"):
            claims = claims.filter(created_at__lt=start_of(data["until"] + timedelta(days=1)))
        return claims

    def secondary_fields(self):
        return [self[name] for name in self.secondary]

    @property
    def secondary_in_use(self):
        """Whether the "More filters" box starts open: one of its filters is set or wrong."""
        return any(self.data.get(name) or name in self.errors for name in self.secondary)

    @property
    def narrowed(self):
        """Whether anything beyond the status narrows the queue (for the empty state's wording)."""
        ignored = {"status", "sort", "limit", "after"}
        return any(self.cleaned_data.get(name) for name in self.fields if name not in ignored)


def start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class EvidenceForm(WithoutColons, forms.ModelForm):
    stance = forms.ChoiceField(choices=Evidence.Stance.choices, widget=forms.RadioSelect)

    class Meta:
        model = Evidence
        fields = ["url", "citation", "summary", "stance"]
        labels = {"url": "URL", "summary": "What it shows"}
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"citation": CleanTextField, "summary": CleanTextField}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("url") and not cleaned.get("citation") and "url" not in self.errors:
            self.add_error("url", "Give a URL or, when there is none, a citation.")
        return cleaned


class NoteForm(WithoutColons, forms.ModelForm):
    class Meta:
        model = Note
        fields = ["body"]
        labels = {"body": "Note"}
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"body": CleanTextField}


class StatusForm(forms.Form):
    """A status change as the editor posts it; Claim.set_status judges whether it is allowed."""

    status = forms.CharField(max_length=20)
    version = forms.IntegerField(min_value=0)
    reason = forms.CharField(required=False, widget=forms.Textarea)
    evidence = forms.ModelMultipleChoiceField(Evidence.objects.none(), required=False)

    def __init__(self, *args, claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = claim.evidence.all()
