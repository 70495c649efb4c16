"""Claim counts by speaker, outlet and story that the database keeps right, and what the pages read from them.

The tallies (SpeakerTally by month, OutletTally by role, StoryTally by story, each by status and
attribution) and the totals the index pages sort by (SpeakerTotal, OutletTotal, StoryTotal) are
written by triggers only, on PostgreSQL and SQLite alike (migrations 0018 and 0022), so an edit in the
admin, a verdict, an import, the shell or raw SQL moves them in the same statement.

Each count is defined once, below, as the rows a claim not merged into another contributes
(`sources`): to its speaker;
to its story; to the story's outlet as "published"; to the outlet of each of its appearances
as "made" or "relayed" (factcheck.models.OutletRole). A trigger on a table takes the rows that
its statement removed away and adds those it brought, each counted through the same joins;
so a status change moves a claim from one count to another, and a claim inserted before its
story (foreign keys are checked at commit) is counted when the story arrives.

An outlet's claims, each once whatever its parts in them (OutletClaimTally, and OutletTotal), are
counted apart, from ClaimOutlet's rows alone (outlet_claim_moves_postgres and _sqlite, migration
0049): a (claim, outlet) pair is one claim.

PostgreSQL runs one trigger per statement, over the statement's transition tables: an import
that COPYs 5,000 claims adds them with one grouped upsert per table, not 5,000. SQLite has row
triggers only; they fire for the columns that matter.

The latest claim of a total grows with each claim added; when claims leave it (a deletion, a
claim moved to another speaker), it is looked up again. Within one statement that moves claims
both in and out of the same total, it may keep a later time than it should: a sort key, not a
count.

To count by another axis of the claim: add it to AXES, add the column to the three tally tables
and to their unique constraints, and in a migration run drop_triggers() then create_triggers()
and rebuild() (as 0022 did for the attribution). Nothing else here names an axis.
"""

import datetime
from dataclasses import dataclass

from factcheck.models import OutletRole, OutletTally, SpeakerTally
from factcheck.verification import Attribution, Status

# The claim's columns the tallies count by, as the migration that installed the triggers saw them.
AXES = ("status", "attribution")

CLAIM, APPEARANCE, ARTICLE = "factcheck_claim", "factcheck_appearance", "factcheck_article"
CLAIM_OUTLET, OUTLET_CLAIMS, OUTLET_TOTAL = (
    "factcheck_claimoutlet",
    "factcheck_outletclaimtally",
    "factcheck_outlettotal",
)
# What an outlet's total counts: "claims", each once (OutletClaimTally, from ClaimOutlet: migration
# 0049), or "parts", a claim once for each role the outlet played in it (migrations 0018 to 0047).
OUTLETS = "claims"
SUBJECTS = {"speaker_id": "factcheck_speaker", "outlet_id": "factcheck_outlet", "article_id": ARTICLE}


@dataclass(frozen=True)
class Source:
    """Rows that claims contribute to a tally and its total: a subject, more keys, and the table joined to the claim."""

    tally: str
    total: str | None  # None: the total is kept apart (an outlet's, from ClaimOutlet)
    subject: str  # the subject's column in tally and total
    keys: dict  # tally column -> expression over c (claim), a (article), p (appearance)
    joined: tuple = ()  # (table, alias, condition) joined to the claims c, if any
    where: str = "true"

    def reads(self, table):
        return table in (CLAIM, *self.joined[:1])


ROLE = "CASE WHEN p.relayed_from_id IS NULL THEN 'made' ELSE 'relayed' END"
PUBLISHED = (ARTICLE, "a", "a.id = c.article_id")


def sources(month, outlets=OUTLETS):
    """Every count, as Sources; `month` turns a timestamp expression into the first day of its month.

    An outlet's parts add up to its total only as migrations 0018 to 0047 counted it (`outlets`
    "parts"); counted by claims, the total is ClaimOutlet's (outlet_claim_moves).
    """
    speaker, outlet, story = "factcheck_speaker", "factcheck_outlet", "factcheck_story"
    outlet_total = f"{outlet}total" if outlets == "parts" else None
    return [
        Source(f"{speaker}tally", f"{speaker}total", "speaker_id", {"month": month("c.created_at")}),
        Source(f"{story}tally", f"{story}total", "article_id", {}, PUBLISHED),
        Source(f"{outlet}tally", outlet_total, "outlet_id", {"role": "'published'"}, PUBLISHED),
        Source(
            f"{outlet}tally",
            outlet_total,
            "outlet_id",
            {"role": ROLE},
            (APPEARANCE, "p", "p.claim_id = c.id"),
            "p.outlet_id IS NOT NULL",
        ),
    ]


def joins(source, tables, changed=None):
    """FROM of a source's rows, `tables` standing for claim/article/appearance.

    With `changed`, the table whose statement rows (a trigger's transition table) stand in: they
    drive the join, and the other table is probed through its index once per row, whatever the
    planner would choose. PL/pgSQL keeps a trigger's plan for the session, made on its first
    statement: in a new database, while the tables are nearly empty, a plan that scans every
    claim, then run for every later statement of the import (benchmarks/README.md).
    """
    claims = f"{tables[CLAIM]} c"
    if not source.joined:
        return claims
    table, alias, condition = source.joined
    other = f"{tables[table]} {alias}"

    def probed(relation, name):  # OFFSET 0 keeps the planner from folding the subquery back into a join
        return f"CROSS JOIN LATERAL (SELECT * FROM {relation} {name} WHERE {condition} OFFSET 0) AS {name}"

    if changed == table:
        return f"{other} {probed(tables[CLAIM], 'c')}"
    if changed == CLAIM:
        return f"{claims} {probed(tables[table], alias)}"
    return f"{claims} JOIN {other} ON {condition}"


SUBJECT_OF = {"speaker_id": "c.speaker_id", "article_id": "a.id", "outlet_id": None}


def subject_expression(source):
    return SUBJECT_OF[source.subject] or ("a.outlet_id" if source.keys["role"] == "'published'" else "p.outlet_id")


def contributions(source, axes, tables, sign, changed=None):
    """SELECT of the rows `source` counts, with `tables` standing for claim/article/appearance, each worth `sign`."""
    columns = {source.subject: subject_expression(source), **source.keys, **{axis: f"c.{axis}" for axis in axes}}
    selected = ", ".join(f"{expression} AS {name}" for name, expression in columns.items())
    # A claim merged into another is counted there, not twice (factcheck.merging).
    where = f"{source.where} AND c.merged_into_id IS NULL"
    rows = joins(source, tables, changed)
    return f"SELECT {selected}, c.created_at AS created_at, {sign} AS n FROM {rows} WHERE {where}"


def latest_of(total, subject, outlets=OUTLETS):
    """The latest claim of the total's subject, looked up again (after claims left it)."""
    row = f"{total}.{subject}"
    claims = f"SELECT max(created_at) FROM {CLAIM} WHERE merged_into_id IS NULL AND"
    if subject == "speaker_id":
        return f"({claims} speaker_id = {row})"
    if subject == "article_id":
        return f"({claims} article_id = {row})"
    if outlets == "claims":  # the newest of the outlet's rows on claimoutlet_recent_idx
        return f"(SELECT max(created_at) FROM {CLAIM_OUTLET} WHERE outlet_id = {row} AND NOT merged)"
    return (
        f"({claims} (article_id IN (SELECT id FROM {ARTICLE} WHERE outlet_id = {row})"
        f" OR id IN (SELECT claim_id FROM {APPEARANCE} WHERE outlet_id = {row})))"
    )


def moves(table, relations, axes, month, *, shared=False, outlets=OUTLETS):
    """The statements that apply what a change to `table` did: `relations` maps +1/-1 to the rows added/removed.

    One pair per tally and its total. `shared` (PostgreSQL) works the rows out once for both, in
    a WITH whose first INSERT feeds nothing, and lets the statement's rows drive each join
    (joins()); SQLite, which has no INSERT inside WITH, reads them twice.
    """
    tables = {CLAIM: CLAIM, APPEARANCE: APPEARANCE, ARTICLE: ARTICLE}
    changed = table if shared else None  # SQLite's row triggers see one row: no join to steer
    by_target = {}
    for source in sources(month, outlets):
        if source.reads(table):
            for sign, relation in relations.items():
                rows = contributions(source, axes, {**tables, table: relation}, sign, changed)
                by_target.setdefault((source.tally, source.total, source.subject, tuple(source.keys)), []).append(rows)
    statements = []
    for (tally, total, subject, keys), selects in by_target.items():
        union = " UNION ALL ".join(selects)
        statements += upserts(tally, total, subject, [*keys, *axes], union, shared=shared, outlets=outlets)
    return statements


def upserts(tally, total, subject, keys, union, *, shared, outlets=OUTLETS):
    """The statements adding the rows `union` selects (subject, keys, created_at, n) to a tally and its total."""
    columns = ", ".join([subject, *keys])
    rows = "d" if shared else f"({union}) AS d"
    counted = (
        f"INSERT INTO {tally} ({columns}, claims) SELECT {columns}, sum(n) FROM {rows}"
        f" WHERE true GROUP BY {columns} HAVING sum(n) <> 0"
        f" ON CONFLICT ({columns}) DO UPDATE SET claims = {tally}.claims + excluded.claims"
    )
    if total is None:
        return [f"WITH d AS MATERIALIZED ({union}) {counted}" if shared else counted]
    totalled = (
        f"INSERT INTO {total} ({subject}, claims, latest_claim_at)"
        f" SELECT {subject}, sum(n), max(CASE WHEN n > 0 THEN created_at END) FROM {rows}"
        f" WHERE true GROUP BY {subject} HAVING sum(n) <> 0"
        f" ON CONFLICT ({subject}) DO UPDATE SET claims = {total}.claims + excluded.claims,"
        f" latest_claim_at = CASE WHEN excluded.claims < 0 THEN {latest_of(total, subject, outlets)}"
        f" WHEN {total}.latest_claim_at IS NULL OR excluded.latest_claim_at > {total}.latest_claim_at"
        f" THEN excluded.latest_claim_at ELSE {total}.latest_claim_at END"
    )
    if shared:
        return [f"WITH d AS MATERIALIZED ({union}), counted AS ({counted}) {totalled}"]
    return [counted, totalled]


# An outlet's claims, each once (OutletClaimTally and OutletTotal), from ClaimOutlet alone: its rows
# (claim, outlet, role) carry their claim's axes and whether it is merged (copied by the triggers of
# migration 0049). A (claim, outlet) pair counts one claim, under its rows' greatest values (they
# are the claim's, so equal, but for a moment within a statement that changes the claim), unless
# merged. A trigger works out, for each pair its statement touched, the pair's rows before the
# statement (those it left alone and those it removed) and after, and moves the count from one to
# the other: exact whatever ran before it, so no order between the triggers matters.


def aggregated(axes, rows):
    """SELECT (SQLite's) of ClaimOutlet's `rows` of one pair as one: how many, the axes' values, merged, the latest."""
    values = "".join(f", max({axis}) AS {axis}" for axis in axes)
    return (
        f"SELECT count(*) AS n_rows{values}, coalesce(max(merged), 0) = 1 AS merged, max(created_at) AS created_at"
        f" FROM {rows}"
    )


def outlet_claim_moves_sqlite(axes, old, new):
    """The rows moving the outlets' claim counts after a change of one ClaimOutlet row (`old`, `new`: OLD, NEW or None).

    At most two pairs, OLD's and NEW's (once if the same): each gives -1 under its rows before the
    change, if it had any and is not merged, and +1 under its rows after it, likewise.
    """
    columns = ["merged", "created_at", *axes]
    selects = []
    for side in [side for side in (old, new) if side]:
        pair = f"claim_id = {side}.claim_id AND outlet_id = {side}.outlet_id"
        once = "NOT (OLD.claim_id = NEW.claim_id AND OLD.outlet_id = NEW.outlet_id)" if side == new and old else "1"
        before = f"SELECT {', '.join(columns)} FROM {CLAIM_OUTLET} WHERE {pair}"
        if new:  # the pair's rows but the one the change wrote
            before += " AND NOT (claim_id = NEW.claim_id AND outlet_id = NEW.outlet_id AND role = NEW.role)"
        if old:  # and the one it removed
            before += f" UNION ALL SELECT {', '.join(f'OLD.{c} AS {c}' for c in columns)}"
            before += f" WHERE OLD.claim_id = {side}.claim_id AND OLD.outlet_id = {side}.outlet_id"
        for sign, rows in ((-1, f"({before}) AS b"), (1, f"{CLAIM_OUTLET} WHERE {pair}")):
            created = "created_at" if sign > 0 else "NULL"
            selects.append(
                f"SELECT {side}.outlet_id AS outlet_id{''.join(f', {a}' for a in axes)}, {created} AS created_at,"
                f" {sign} AS n FROM ({aggregated(axes, rows)}) AS p"
                f" WHERE n_rows > 0 AND NOT merged AND {once}"
            )
    return " UNION ALL ".join(selects)


def outlet_claim_moves_postgres(axes, old, new):
    """The rows moving the outlets' claim counts after a statement on ClaimOutlet (`old`, `new`: its
    transition tables, or None).

    The statement's rows grouped by pair, with the roles it wrote and the values of the rows it
    removed; then, for each pair, its rows in the table read once through the primary key: all of
    them (after), and those the statement did not write (with the removed ones: before).
    """
    nothing = f"(SELECT * FROM {CLAIM_OUTLET} WHERE false)"
    read = ", ".join(["claim_id", "outlet_id", "role", "merged", *axes])
    removed = greatest_of(axes, "", "side < 0", "old")
    changed = (
        f"SELECT claim_id, outlet_id, count(*) FILTER (WHERE side < 0) AS gone,"
        f" coalesce(array_agg(role) FILTER (WHERE side > 0), '{{}}') AS written{removed},"
        f" coalesce(bool_or(merged) FILTER (WHERE side < 0), false) AS old_merged"
        f" FROM (SELECT {read}, -1 AS side FROM {old or nothing} AS o"
        f" UNION ALL SELECT {read}, 1 FROM {new or nothing} AS w) AS r"
        f" GROUP BY claim_id, outlet_id"
    )
    kept = greatest_of(axes, "t.", "t.kept", "kept")
    pair = (
        f"SELECT count(*) AS n_rows{''.join(f', max(t.{axis}) AS {axis}' for axis in axes)},"
        f" coalesce(bool_or(t.merged), false) AS merged, max(t.created_at) AS created_at,"
        f" count(*) FILTER (WHERE t.kept) AS kept_rows{kept},"
        f" coalesce(bool_or(t.merged) FILTER (WHERE t.kept), false) AS kept_merged"
        f" FROM (SELECT t.*, t.role <> ALL(ch.written) AS kept FROM {CLAIM_OUTLET} t"
        f" WHERE t.claim_id = ch.claim_id AND t.outlet_id = ch.outlet_id) AS t"
    )
    before = ", ".join(f"greatest(p.kept_{axis}, ch.old_{axis})" for axis in axes)
    after = ", ".join(f"p.{axis}" for axis in axes)
    return (
        f"SELECT ch.outlet_id, {', '.join(f'v.{axis}' for axis in axes)}, v.created_at, v.n"
        f" FROM ({changed}) AS ch CROSS JOIN LATERAL ({pair}) AS p"
        f" CROSS JOIN LATERAL (VALUES"
        f" (-1, {before}, NULL::timestamptz, p.kept_rows + ch.gone > 0 AND NOT (p.kept_merged OR ch.old_merged)),"
        f" (1, {after}, p.created_at, p.n_rows > 0 AND NOT p.merged)"
        f") AS v(n, {', '.join(axes)}, created_at, counted)"
        f" WHERE v.counted"
    )


def greatest_of(axes, table, rows, name):
    """ ", max(<table><axis>) FILTER (WHERE <rows>) AS <name>_<axis>" for each axis: its value among some of
    a claim and outlet's rows, which all carry their claim's values (max picks one; NULL where none are)."""
    return "".join(f", max({table}{axis}) FILTER (WHERE {rows}) AS {name}_{axis}" for axis in axes)


def opened(subject, relation):
    """Every new speaker, outlet or story gets its total, at zero until claims come."""
    total = {"speaker_id": "factcheck_speakertotal", "outlet_id": "factcheck_outlettotal"}.get(
        subject, "factcheck_storytotal"
    )
    return (
        f"INSERT INTO {total} ({subject}, claims) SELECT id, 0 FROM {relation} AS s WHERE true"
        f" ON CONFLICT ({subject}) DO NOTHING"
    )


def watched_columns(axes):
    """The columns of each table that the counts read: a change to any of them moves a count."""
    return {
        CLAIM: ("id", "speaker_id", "article_id", "created_at", "merged_into_id", *axes),
        APPEARANCE: ("id", "claim_id", "outlet_id", "relayed_from_id"),
        ARTICLE: ("id", "outlet_id"),
    }


def postgres_month(timestamp):
    return f"(date_trunc('month', {timestamp} AT TIME ZONE 'UTC'))::date"


def sqlite_month(timestamp):
    return f"date({timestamp}, 'start of month')"


# From a statement's rows, each count needs an index look-up or two per row (joins() makes
# them the outer side); a hash or merge join, or a plan made while a table was empty (a new
# database's first statement) and kept for the session, would read a whole table (every claim,
# every appearance) on each statement of an import. Every statement trigger's function is
# planned so (migration 0055).
PLANNED = "SET enable_hashjoin = off SET enable_mergejoin = off SET enable_seqscan = off"

POSTGRES_EVENTS = {
    "insert": ("INSERT", "REFERENCING NEW TABLE AS new_rows", {1: "new_rows"}),
    "update": ("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows", {1: "new_rows", -1: "old_rows"}),
    "delete": ("DELETE", "REFERENCING OLD TABLE AS old_rows", {-1: "old_rows"}),
}


def postgres_triggers(axes=AXES, outlets=OUTLETS):
    """CREATE statements of the PostgreSQL functions and statement triggers."""
    statements = []

    def trigger(table, event, body):
        name = f"{table}_tally_{event}"
        keyword, referencing, _ = POSTGRES_EVENTS[event]
        statements.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
            f" SET search_path = pg_catalog, public, pg_temp {PLANNED}"
            f" AS $$ BEGIN {'; '.join(body)}; RETURN NULL; END; $$"
        )
        statements.append(
            f"CREATE TRIGGER {name} AFTER {keyword} ON {table} {referencing}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )

    for table in (CLAIM, APPEARANCE, ARTICLE):
        for event, (_, _, relations) in POSTGRES_EVENTS.items():
            body = moves(table, relations, axes, postgres_month, shared=True, outlets=outlets)
            if table == ARTICLE and event == "insert":
                body.insert(0, opened("article_id", "new_rows"))
            trigger(table, event, body)
    for subject, table in SUBJECTS.items():
        if table != ARTICLE:
            trigger(table, "insert", [opened(subject, "new_rows")])
    if outlets == "claims":
        for event, (_, _, relations) in POSTGRES_EVENTS.items():
            union = outlet_claim_moves_postgres(axes, relations.get(-1), relations.get(1))
            trigger(CLAIM_OUTLET, event, upserts(OUTLET_CLAIMS, OUTLET_TOTAL, "outlet_id", axes, union, shared=True))
    return statements


def trigger_names(outlets=OUTLETS):
    """[(table, trigger)] of the tally triggers."""
    counted = (CLAIM, APPEARANCE, ARTICLE, CLAIM_OUTLET) if outlets == "claims" else (CLAIM, APPEARANCE, ARTICLE)
    return [
        *((table, f"{table}_tally_{event}") for table in counted for event in POSTGRES_EVENTS),
        *((table, f"{table}_tally_insert") for table in SUBJECTS.values() if table != ARTICLE),
    ]


def postgres_drop():
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}()"
        for table, name in trigger_names("claims")
    ]


def sqlite_row(side, columns):
    return "(SELECT " + ", ".join(f"{side}.{column} AS {column}" for column in columns) + ")"


def sqlite_triggers(axes=AXES, outlets=OUTLETS):
    """CREATE statements of the SQLite row triggers."""
    statements = []
    for table, columns in watched_columns(axes).items():
        new, old = sqlite_row("NEW", columns), sqlite_row("OLD", columns)
        changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)
        events = {
            "insert": ("INSERT", {1: new}),
            "update": (f"UPDATE OF {', '.join(columns)}", {1: new, -1: old}),
            "delete": ("DELETE", {-1: old}),
        }
        for event, (keyword, relations) in events.items():
            body = moves(table, relations, axes, sqlite_month, outlets=outlets)
            if table == ARTICLE and event == "insert":
                body.insert(0, opened("article_id", "(SELECT NEW.id AS id)"))
            when = f" WHEN {changed}" if event == "update" else ""
            statements.append(
                f"CREATE TRIGGER {table}_tally_{event} AFTER {keyword} ON {table} FOR EACH ROW{when}"
                f" BEGIN {'; '.join(body)}; END"
            )
    for subject, table in SUBJECTS.items():
        if table != ARTICLE:
            statements.append(
                f"CREATE TRIGGER {table}_tally_insert AFTER INSERT ON {table} FOR EACH ROW"
                f" BEGIN {opened(subject, '(SELECT NEW.id AS id)')}; END"
            )
    if outlets == "claims":
        # created_at moves no count (a latest claim is a sort key, as above)
        columns = ("claim_id", "outlet_id", "role", "merged", *axes)
        changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)
        events = {
            "insert": ("INSERT", None, "NEW"),
            "update": (f"UPDATE OF {', '.join(columns)}", "OLD", "NEW"),
            "delete": ("DELETE", "OLD", None),
        }
        for event, (keyword, old, new) in events.items():
            union = outlet_claim_moves_sqlite(axes, old, new)
            body = upserts(OUTLET_CLAIMS, OUTLET_TOTAL, "outlet_id", axes, union, shared=False)
            when = f" WHEN {changed}" if event == "update" else ""
            statements.append(
                f"CREATE TRIGGER {CLAIM_OUTLET}_tally_{event} AFTER {keyword} ON {CLAIM_OUTLET} FOR EACH ROW{when}"
                f" BEGIN {'; '.join(body)}; END"
            )
    return statements


def sqlite_drop():
    return [f"DROP TRIGGER IF EXISTS {name}" for _, name in trigger_names("claims")]


TRIGGER_NAMES = [name for _, name in trigger_names()]


def rebuild_statements(vendor, axes=AXES, outlets=OUTLETS, only=None):
    """Statements that count everything again from the claims: for the migration, and to repair by hand.

    `only`: the tally tables to count again (with their totals), if not all.
    """
    month = postgres_month if vendor == "postgresql" else sqlite_month
    tables = {CLAIM: CLAIM, APPEARANCE: APPEARANCE, ARTICLE: ARTICLE}
    statements = []
    by_target = {}
    for source in sources(month, outlets):
        by_target.setdefault((source.tally, source.total, source.subject, tuple(source.keys)), []).append(
            contributions(source, axes, tables, 1)
        )
    if outlets == "claims":
        by_target[OUTLET_CLAIMS, OUTLET_TOTAL, "outlet_id", ()] = [outlet_claims(axes)]
        statements.append(copies_followed(axes))
    for (tally, total, subject, keys), selects in by_target.items():
        if only is not None and tally not in only:
            continue
        union = " UNION ALL ".join(selects)
        columns = ", ".join([subject, *keys, *axes])
        statements += [
            f"DELETE FROM {tally}",
            f"INSERT INTO {tally} ({columns}, claims) SELECT {columns}, sum(n) FROM ({union}) AS d GROUP BY {columns}",
        ]
        if total:
            statements += [
                f"DELETE FROM {total}",
                f"INSERT INTO {total} ({subject}, claims, latest_claim_at)"
                f" SELECT s.id, coalesce(sum(d.n), 0), max(d.created_at) FROM {SUBJECTS[subject]} s"
                f" LEFT JOIN ({union}) AS d ON d.{subject} = s.id GROUP BY s.id",
            ]
    return statements


def copied_from(claim, axes=AXES):
    """{ClaimOutlet column: its value} of what a ClaimOutlet row copies from its claim, `claim` the claim's row."""
    return {
        "created_at": f"{claim}.created_at",
        **{axis: f"{claim}.{axis}" for axis in axes},
        "merged": f"{claim}.merged_into_id IS NOT NULL",
    }


def copies_followed(axes):
    """The UPDATE that gives each ClaimOutlet row its claim's values where it holds others (migration 0049's triggers
    keep them; this repairs them by hand, and fills them in the first time)."""
    copied = copied_from("c", axes)
    differs = " OR ".join(f"{CLAIM_OUTLET}.{column} <> ({value})" for column, value in copied.items())
    return (
        f"UPDATE {CLAIM_OUTLET} SET {', '.join(f'{column} = {value}' for column, value in copied.items())}"
        f" FROM {CLAIM} c WHERE c.id = {CLAIM_OUTLET}.claim_id AND ({differs})"
    )


def outlet_claims(axes):
    """SELECT of the outlets' claims, each once (outlet_id, axes, created_at, n), from ClaimOutlet alone."""
    values = "".join(f", max({axis}) AS {axis}" for axis in axes)
    return (
        f"SELECT outlet_id{values}, max(created_at) AS created_at, 1 AS n FROM {CLAIM_OUTLET}"
        f" GROUP BY claim_id, outlet_id HAVING max(CASE WHEN merged THEN 1 ELSE 0 END) = 0"
    )


def create_triggers(schema_editor, axes=AXES, outlets=OUTLETS):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": postgres_triggers, "sqlite": sqlite_triggers}[vendor](axes, outlets):
        schema_editor.execute(statement, params=None)


def drop_triggers(schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": postgres_drop, "sqlite": sqlite_drop}[vendor]():
        schema_editor.execute(statement, params=None)


def rebuild(connection, axes=AXES, outlets=OUTLETS, only=None):
    with connection.cursor() as cursor:
        for statement in rebuild_statements(connection.vendor, axes, outlets, only):
            cursor.execute(statement)


# What the pages read: the counts above as track records and index badges, each in one query.

# The axes a track record is drawn by: (tally column, what a person calls it, its choices).
CHARTED = [("status", "Verdict", Status), ("attribution", "Attribution", Attribution)]

CHART_WIDTH = 320  # the charts' viewBox width: they scale to the column, legible from 390 px phones up
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 22, 8, 120
MONTHS_SHOWN = 24
COLUMN_AREA_HEIGHT = 120


def pairs(choices):
    """[(value, label)] of an enumeration with labels (the rules module's Status, or TextChoices)."""
    return [(member.value, member.label) for member in choices]


def horizontal_bars(counts, choices):
    """One bar per choice: [{value, label, claims, y, width}], the widest bar spanning the chart."""
    most = max(counts.values(), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - 40
    return [
        {
            "value": value,
            "label": label,
            "claims": counts.get(value, 0),
            "y": index * (BAR_HEIGHT + BAR_GAP),
            "width": round(room * counts.get(value, 0) / most, 1),
            "count_x": round(LABEL_WIDTH + 4 + room * counts.get(value, 0) / most, 1),
        }
        for index, (value, label) in enumerate(pairs(choices))
    ]


def chart_height(rows):
    return rows * (BAR_HEIGHT + BAR_GAP) - BAR_GAP


def months_between(first, last):
    months, month = [], first
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def stacked_columns(by_month, choices):
    """The latest MONTHS_SHOWN months from the first with claims, each a column stacked by choice.

    [{month, claims, x, parts: [{value, label, claims, y, height}]}]; months without claims
    are there, empty, so the time axis reads evenly.
    """
    if not by_month:
        return []
    months = months_between(min(by_month), max(by_month))[-MONTHS_SHOWN:]
    most = max(sum(counts.values()) for counts in by_month.values()) or 1
    step = (CHART_WIDTH - 30) / len(months)
    columns = []
    for index, month in enumerate(months):
        counts = by_month.get(month, {})
        top, parts = COLUMN_AREA_HEIGHT, []
        for value, label in pairs(choices):
            height = round(COLUMN_AREA_HEIGHT * counts.get(value, 0) / most, 1)
            top -= height
            parts.append(
                {"value": value, "label": label, "claims": counts.get(value, 0), "y": round(top, 1), "height": height}
            )
        columns.append(
            {
                "month": month,
                "claims": sum(counts.values()),
                "x": round(30 + index * step, 1),
                "width": round(max(step - 2, 1), 1),
                "parts": parts,
                "year_starts": index == 0 or month.month == 1,
            }
        )
    return columns


def speaker_record(speaker):
    """A speaker's claims by verdict and by month (and by each other charted axis), from one query."""
    rows = list(SpeakerTally.objects.filter(speaker=speaker, claims__gt=0).values("month", *AXES, "claims"))
    charts = []
    for axis, name, choices in CHARTED:
        totals, by_month = {}, {}
        for row in rows:
            totals[row[axis]] = totals.get(row[axis], 0) + row["claims"]
            month = by_month.setdefault(row["month"], {})
            month[row[axis]] = month.get(row[axis], 0) + row["claims"]
        charts.append(
            {
                "axis": axis,
                "name": name,
                "choices": pairs(choices),
                "bars": horizontal_bars(totals, choices),
                "height": chart_height(len(pairs(choices))),
                "columns": stacked_columns(by_month, choices),
                "columns_max": max((sum(counts.values()) for counts in by_month.values()), default=0),
                "total": sum(totals.values()),
            }
        )
    return {"charts": charts, "total": sum(row["claims"] for row in rows)}


def outlet_record(outlet):
    """How the claims an outlet made, published or relayed fared, by each charted axis, from one query.

    Per role, one bar 100% wide split by the axis' shares, so roles of any size compare.
    """
    rows = list(OutletTally.objects.filter(outlet=outlet, claims__gt=0).values("role", *AXES, "claims"))
    room = CHART_WIDTH - LABEL_WIDTH
    charts = []
    for axis, name, choices in CHARTED:
        bars = []
        for index, (role, role_label) in enumerate(OutletRole.choices):
            counts = dict.fromkeys((value for value, _ in pairs(choices)), 0)
            for row in rows:
                if row["role"] == role:
                    counts[row[axis]] += row["claims"]
            claims, left, parts = sum(counts.values()), LABEL_WIDTH, []
            for value, label in pairs(choices):
                width = round(room * counts[value] / claims, 1) if claims else 0
                parts.append(
                    {"value": value, "label": label, "claims": counts[value], "x": round(left, 1), "width": width}
                )
                left += width
            bars.append(
                {
                    "role": role,
                    "label": role_label,
                    "claims": claims,
                    "y": index * (BAR_HEIGHT + BAR_GAP),
                    "parts": parts,
                }
            )
        charts.append(
            {"axis": axis, "name": name, "choices": pairs(choices), "bars": bars, "height": chart_height(len(bars))}
        )
    return {"charts": charts}


def counts_by_subject(tally, subject, ids, axis="status"):
    """{subject id: {value: claims}} for a page of speakers, outlets or stories: one query."""
    counts = {pk: {} for pk in ids}
    rows = tally.objects.filter(**{f"{subject}__in": ids}, claims__gt=0).values_list(subject, axis, "claims")
    for pk, value, claims in rows:
        counts[pk][value] = counts[pk].get(value, 0) + claims
    return counts
