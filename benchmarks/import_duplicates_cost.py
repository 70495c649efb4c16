"""What the import preview's duplicate comparison costs a row: merging.duplicates_of_rows in bulk.

A speaker with CLAIMS tracked claims (10 to 14 words drawn from 50, so that trigram matches are
many: the worst case), then ROWS rows of that speaker compared with them, as the check of a file
does. Prints the median time of 3 runs and the time a row.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench_dups python manage.py migrate
    DATABASE_URL=... python manage.py shell < benchmarks/import_duplicates_cost.py
"""

import csv
import io
import os
import random
import statistics
import tempfile
import time

from django.contrib.auth.models import User

from factcheck import importing, merging
from factcheck.importing.cleaning import Row, Speaker
from factcheck.models import Claim

CLAIMS, ROWS = int(os.environ.get("CLAIMS", 1000)), int(os.environ.get("ROWS", 500))
WORDS = [f"word{n}" for n in range(50)]
rng = random.Random(7)
BENCH = Speaker("Bench Speaker", "", "", "")


def sentence():
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 14))) + "."


user, _ = User.objects.get_or_create(username="bench-duplicates", defaults={"is_active": False})
if not Claim.objects.filter(speaker__name="Bench Speaker").exists():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["claim", "speaker"])
    writer.writerows([sentence(), "Bench Speaker"] for _ in range(CLAIMS))
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as file:
        file.write(out.getvalue())
    print(importing.import_file(file.name, user=user).message)

rows = [
    Row(
        n + 2,
        1,
        f"bench-{n}",
        sentence(),
        None,
        None,
        None,
        Speaker("Bench Speaker", "", "", ""),
        None,
        [],
        [],
        None,
        "",
    )
    for n in range(ROWS)
]
times = []
for _ in range(3):
    start = time.perf_counter()
    found = merging.duplicates_of_rows(rows, at_most=len(rows))
    times.append(time.perf_counter() - start)
median = statistics.median(times)
print(
    f"{ROWS} rows against {CLAIMS} claims of their speaker: median {median:.2f} s, {median / ROWS * 1000:.1f} ms a row"
)
print(f"{len({item['line'] for item in found})} rows have possible duplicates")
