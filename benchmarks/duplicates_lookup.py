"""The claim page's duplicate look-up at scale: its plan and its median time, for the biggest speaker and a small one.

Run on a database filled by duplicates_load.sql (speakers 2 and 501 are the bench speakers 1 and 500 there):
    DATABASE_URL=postgres://... python manage.py shell < benchmarks/duplicates_lookup.py
"""

import statistics
import time

from django.db import connection

from factcheck import merging
from factcheck.models import Claim, Speaker
from factcheck.storydesk import LOOK_ALIKE_RECENT, LOOK_ALIKE_SIMILARITY

for name in ("bench speaker 1", "bench speaker 500"):
    speaker = Speaker.objects.get(normalized_name=name)
    claims = list(Claim.objects.filter(speaker=speaker).order_by("-created_at")[:20])
    with connection.cursor() as cursor:
        params = [[claims[0].pk], [speaker.pk], [claims[0].text], [claims[0].pk], [None]]
        cursor.execute(
            f"EXPLAIN (ANALYZE, BUFFERS) {merging._LOOK_ALIKES_SQL}",
            [*params, LOOK_ALIKE_RECENT, LOOK_ALIKE_SIMILARITY, merging.DUPLICATES_SHOWN],
        )
        print("\n".join(row[0] for row in cursor.fetchall()))
    times = []
    for claim in claims:
        start = time.perf_counter()
        merging.possible_duplicates(claim)
        times.append(time.perf_counter() - start)
    print(f"{name}: median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms")
