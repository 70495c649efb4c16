"""The attribution axis ("did the speaker really say it?") beside the status, in the same history.

- Claim.attribution; VerificationEvent.axis (status or attribution), from_attribution (the
  attribution it moved from, on attribution events) and to_attribution (the claim's attribution
  after it, on every event); Evidence.primary_source, which confirmed and misattributed cite.
- The history check of migration 0007 now holds a claim's (status, attribution, version) to
  its latest event's (to_status, to_attribution, version): the same trigger names, redefined.
- SQLite rebuilds the claim, evidence and event tables to add the columns, dropping their
  triggers and failing the rename while triggers elsewhere name them: every history trigger
  (0002, 0007, 0012) is dropped first and created again after; the cited-evidence guard now
  covers primary_source too (PostgreSQL's compares whole rows already).
- Existing claims get the state their appearances imply, each with an attribution event by the
  person who recorded the claim (the reason says it was derived here); events written before
  say "not checked", as their claims were then.
"""

import importlib

from django.conf import settings
from django.db import migrations, models

import factcheck.verification

append_only = importlib.import_module("factcheck.migrations.0002_append_only_events_and_search")
history = importlib.import_module("factcheck.migrations.0007_claim_status_follows_history")
frozen = importlib.import_module("factcheck.migrations.0012_revisions_and_frozen_evidence")
run = append_only.run

MESSAGE = history.MESSAGE
DERIVED = (
    "Derived from the claim's appearances when the attribution axis was added (migration 0015); "
    "no one has checked it since."
)


def postgres_history(state):
    """The history check of 0007, comparing the claim's `state` columns with its latest event's."""
    claim_columns = ", ".join(f"c.{column}" for column, _ in state)
    event_columns = ", ".join(to for _, to in state)
    shown = ", ".join(column for column, _ in state)
    watched = ", ".join(column for column, _ in state)
    return [
        f"""
        CREATE OR REPLACE FUNCTION factcheck_check_claim_history() RETURNS trigger AS $$
        DECLARE
            target bigint;
            claim record;
            latest record;
        BEGIN
            IF TG_TABLE_NAME = 'factcheck_claim' THEN
                target := NEW.id;
            ELSE
                target := NEW.claim_id;
            END IF;
            PERFORM FROM factcheck_claim AS c
                WHERE c.id = target AND ({claim_columns}, c.version) = (
                    SELECT {event_columns}, version FROM factcheck_verificationevent
                    WHERE claim_id = target ORDER BY version DESC LIMIT 1
                );
            IF FOUND THEN
                RETURN NULL;
            END IF;
            SELECT ({shown}) AS state, version INTO claim FROM factcheck_claim WHERE id = target;
            IF NOT FOUND THEN
                RETURN NULL;
            END IF;
            SELECT ({event_columns}) AS state, version INTO latest FROM factcheck_verificationevent
                WHERE claim_id = target ORDER BY version DESC LIMIT 1;
            RAISE EXCEPTION '{MESSAGE}: claim % is % at version %, its latest event says % at version %',
                target, claim.state, claim.version, latest.state, latest.version
                USING ERRCODE = 'integrity_constraint_violation';
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql;
        """,
        "DROP TRIGGER factcheck_claim_follows_history ON factcheck_claim;",
        f"""
        CREATE CONSTRAINT TRIGGER factcheck_claim_follows_history
        AFTER INSERT OR UPDATE OF {watched}, version ON factcheck_claim
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION factcheck_check_claim_history();
        """,
    ]


STATE = [("status", "to_status"), ("attribution", "to_attribution")]
POSTGRES_FORWARD = postgres_history(STATE)
POSTGRES_BACKWARD = postgres_history(STATE[:1])

SQLITE_HISTORY = {
    "factcheck_claim_follows_history": f"""
    CREATE TRIGGER factcheck_claim_follows_history BEFORE UPDATE OF status, attribution, version ON factcheck_claim
    WHEN NEW.status IS NOT OLD.status OR NEW.attribution IS NOT OLD.attribution OR NEW.version IS NOT OLD.version
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}: no event for this status, attribution and version')
        WHERE NOT EXISTS (
            SELECT 1 FROM factcheck_verificationevent
            WHERE claim_id = NEW.id AND version = NEW.version
                AND to_status = NEW.status AND to_attribution = NEW.attribution
        ) OR EXISTS (
            SELECT 1 FROM factcheck_verificationevent WHERE claim_id = NEW.id AND version > NEW.version
        );
    END;
    """,
    # An event moves its claim from where it stands on its own axis and leaves the other as it
    # is; the event that records a claim (version 1) sets both. Or it states where a claim just
    # inserted already stands (the importer inserts claims before their events).
    "factcheck_event_moves_claim": f"""
    CREATE TRIGGER factcheck_event_moves_claim BEFORE INSERT ON factcheck_verificationevent
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}: an event must move its claim from where it stands')
        WHERE NOT EXISTS (
            SELECT 1 FROM factcheck_claim
            WHERE id = NEW.claim_id AND (
                (version = NEW.version - 1 AND (
                    (version = 0 AND NEW.axis = 'status' AND NEW.from_status IS NULL)
                    OR (NEW.axis = 'status' AND status = NEW.from_status AND attribution = NEW.to_attribution)
                    OR (NEW.axis = 'attribution' AND attribution = NEW.from_attribution AND status = NEW.to_status)
                ))
                OR (version = NEW.version AND status = NEW.to_status AND attribution = NEW.to_attribution)
            )
        );
    END;
    """,
}
SQLITE_FORWARD = list(SQLITE_HISTORY.values())

EVIDENCE_COLUMNS = [*frozen.EVIDENCE_COLUMNS, "primary_source"]
# 0012's guards, the cited-evidence one also watching primary_source: by name, for a flush to drop.
SQLITE_GUARDS = {
    **frozen.SQLITE_GUARDS,
    "factcheck_cited_evidence_no_update": frozen.SQLITE_GUARDS["factcheck_cited_evidence_no_update"].replace(
        frozen.changed(frozen.EVIDENCE_COLUMNS, differ="IS NOT"), frozen.changed(EVIDENCE_COLUMNS, differ="IS NOT")
    ),
}
# Every SQLite trigger on the history's tables, as this migration leaves them.
SQLITE_TRIGGERS = {
    **dict(zip(append_only.SQLITE_TRIGGERS, append_only.SQLITE_FORWARD, strict=True)),
    **SQLITE_HISTORY,
    **SQLITE_GUARDS,
    **frozen.SQLITE_RECORDERS,
}
BEFORE = [
    *append_only.SQLITE_FORWARD,
    *history.SQLITE_FORWARD,
    *frozen.SQLITE_FORWARD,
]


def sqlite_only(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return operation


DROP_ALL = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


def restore_sqlite_triggers(apps, schema_editor):
    """For a later migration that rebuilds one of these tables on SQLite: create what the rebuild dropped."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS.values():
            schema_editor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"), params=None)


def derive_attribution(apps, schema_editor):
    """Each recorded claim moved to the state its appearances imply, with its event."""
    Claim = apps.get_model("factcheck", "Claim")
    Appearance = apps.get_model("factcheck", "Appearance")
    Event = apps.get_model("factcheck", "VerificationEvent")
    chains = {}
    for claim_id, *link in Appearance.objects.values_list(
        "claim_id", "pk", "venue_type", "outlet_id", "relayed_from_id"
    ):
        chains.setdefault(claim_id, []).append(link)
    recorded_by = dict(Event.objects.filter(version=1).values_list("claim_id", "by_id"))
    claims = Claim.objects.filter(version__gt=0, pk__in=list(chains)).values_list(
        "pk", "status", "version", "article__outlet_id"
    )
    now = models.functions.Now()
    for pk, status, version, newsroom in claims.iterator():
        state = factcheck.verification.implied_attribution(chains[pk], newsroom)
        if state == factcheck.verification.Attribution.NOT_CHECKED or pk not in recorded_by:
            continue
        Event.objects.create(
            claim_id=pk,
            axis="attribution",
            from_attribution="not_checked",
            to_attribution=state,
            to_status=status,
            by_id=recorded_by[pk],
            at=now,
            reason=DERIVED,
            version=version + 1,
        )
        Claim.objects.filter(pk=pk).update(attribution=state, version=version + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0014_appearance_advertisement"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(sqlite_only(DROP_ALL), sqlite_only(BEFORE)),
        migrations.AddField(
            model_name="claim",
            name="attribution",
            field=models.CharField(
                choices=[
                    ("not_checked", "Attribution not checked"),
                    ("confirmed", "Confirmed at the source"),
                    ("relayed", "Relayed: only another outlet's word"),
                    ("misattributed", "Misattributed: the speaker did not say it"),
                    ("denied", "Denied by the speaker"),
                ],
                default=factcheck.verification.Attribution["NOT_CHECKED"],
                editable=False,
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="evidence",
            name="primary_source",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="The original post, transcript or recording of the speaker's words: what confirms who said it.",
            ),
        ),
        migrations.AddField(
            model_name="verificationevent",
            name="axis",
            field=models.CharField(
                choices=[("status", "Status"), ("attribution", "Attribution")], default="status", max_length=20
            ),
        ),
        migrations.AddField(
            model_name="verificationevent",
            name="from_attribution",
            field=models.CharField(
                blank=True,
                choices=[
                    ("not_checked", "Attribution not checked"),
                    ("confirmed", "Confirmed at the source"),
                    ("relayed", "Relayed: only another outlet's word"),
                    ("misattributed", "Misattributed: the speaker did not say it"),
                    ("denied", "Denied by the speaker"),
                ],
                max_length=20,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="verificationevent",
            name="to_attribution",
            field=models.CharField(
                choices=[
                    ("not_checked", "Attribution not checked"),
                    ("confirmed", "Confirmed at the source"),
                    ("relayed", "Relayed: only another outlet's word"),
                    ("misattributed", "Misattributed: the speaker did not say it"),
                    ("denied", "Denied by the speaker"),
                ],
                default=factcheck.verification.Attribution["NOT_CHECKED"],
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("attribution__in", ["not_checked", "confirmed", "relayed", "misattributed", "denied"])
                ),
                name="claim_attribution_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="verificationevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("axis__in", ["status", "attribution"])), name="event_axis_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="verificationevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("to_attribution__in", ["not_checked", "confirmed", "relayed", "misattributed", "denied"])
                ),
                name="event_to_attribution_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="verificationevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("from_attribution__isnull", True),
                    ("from_attribution__in", ["not_checked", "confirmed", "relayed", "misattributed", "denied"]),
                    _connector="OR",
                ),
                name="event_from_attribution_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="verificationevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("axis", "status"), ("from_attribution__isnull", True)),
                    models.Q(
                        ("axis", "attribution"),
                        ("from_attribution__isnull", False),
                        ("from_status__isnull", True),
                        ("version__gt", 1),
                    ),
                    _connector="OR",
                ),
                name="event_moves_one_axis",
            ),
        ),
        migrations.AddConstraint(
            model_name="verificationevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("from_attribution", models.F("to_attribution")), _negated=True),
                name="event_changes_attribution",
            ),
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": list(SQLITE_TRIGGERS.values())}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": DROP_ALL}),
        ),
        migrations.RunPython(derive_attribution, migrations.RunPython.noop),
    ]
