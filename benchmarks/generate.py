"""Generate a realistic, deterministic claims CSV in the documented import header, streamed to disk.

    python benchmarks/generate.py --rows 100000 --output benchmarks/data/claims-100k.csv

What the rows look like (all from one seeded random generator, so the same arguments give the
same bytes):

- a few thousand distinct speakers (people with English, Ukrainian in Latin and Cyrillic
  script, Korean in Hangul and romanised, and accented European names; institutions; unnamed
  groups), drawn with a Zipf-like frequency (the top speaker says about one claim in ten);
- about 5% of rows spell their speaker differently (case, diacritics added or dropped,
  doubled spaces, a trailing full stop), each spelling resolving to the same speaker once
  case, diacritics, punctuation and spacing are ignored;
- a few hundred outlets, also Zipf-like; about 20% of rows relayed through one to three
  outlets ("Kyiv Independent > B-17");
- articles of one to eight consecutive rows; quotes with commas, doubled quotes and line
  breaks inside quoted fields; Ukrainian and Korean text;
- statuses mostly "unconfirmed", some verified (with supporting evidence), false (with
  refuting evidence) or disputed; quantities on about a quarter of rows;
- 70% of rows carry an id, the others are keyed by the importer's content hash: every claim
  text is unique, so no two rows are the same claim.

Enumerated columns use the stored values (e.g. "up_to", "statement_to_outlet"), which the
importer accepts as well as the labels, so that django-import-export, which stores what it
reads, can take the same file.

Next to the CSV, <output>.meta.json records what a correct import must create (rows,
distinct speakers, outlets, articles, appearances, evidence), which the benchmark checks.
Rows are written as they are made: memory does not grow with --rows.
"""

import argparse
import csv
import hashlib
import json
import random
import re
import sys
import time
import unicodedata
from bisect import bisect
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

HEADER = [
    *("id", "claim", "quote", "kind", "quantity_value", "quantity_unit", "quantity_qualifier"),
    *("speaker", "speaker_kind", "speaker_title", "speaker_affiliation"),
    *("venue", "outlet", "relayed_by", "appearance_url", "appearance_date", "appearance_when"),
    *("article_url", "article_headline", "article_outlet", "article_date"),
    *("status", "status_reason", "evidence_url", "evidence_citation", "evidence_summary", "evidence_stance"),
]
SEED = 20241105
VARIANT_SHARE = 0.05
ID_SHARE = 0.70
RELAY_SHARE = 0.20
QUANTITY_SHARE = 0.25
QUOTE_SHARE = 0.40
FIRST_DAY = date(2022, 2, 24)
DAYS = (date(2025, 12, 31) - FIRST_DAY).days


def normalize_name(name):
    """The importer's speaker key (factcheck.models.normalize_name), repeated so this script needs no Django."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", without_marks).split())


# ---------------------------------------------------------------------------------------------
# Vocabulary

FAMOUS = [
    ("Volodymyr Zelenskyy", "person", "President of Ukraine", ""),
    ("Antony Blinken", "person", "US Secretary of State", ""),
    (
        "Andrii Kovalenko",
        "person",
        "Head of the Center for Countering Disinformation",
        "Center for Countering Disinformation (Ukraine)",
    ),
    ("Володимир Зеленський", "person", "Президент України", ""),
    ("Korean Central News Agency", "institution", "", ""),
    ("Experts", "unnamed_group", "", ""),
    ("General Staff of the Armed Forces of Ukraine", "institution", "", ""),
    ("윤석열", "person", "President of South Korea", ""),
    ("Dmytro Kuleba", "person", "Minister of Foreign Affairs of Ukraine", ""),
    ("A source in the Ukrainian military", "unnamed_group", "", ""),
    ("Kremlin", "institution", "", ""),
    ("Eric Schmidt", "person", "Former Google CEO", ""),
]
FIRST = {
    "en": [
        "James",
        "Mary",
        "John",
        "Patricia",
        "Robert",
        "Jennifer",
        "Michael",
        "Linda",
        "David",
        "Elizabeth",
        "William",
        "Susan",
        "Richard",
        "Jessica",
        "Thomas",
        "Sarah",
        "Charles",
        "Karen",
        "Daniel",
        "Nancy",
        "Matthew",
        "Lisa",
        "Anthony",
        "Betty",
        "Mark",
        "Sandra",
    ],
    "uk": [
        "Volodymyr",
        "Oleksandr",
        "Andrii",
        "Olena",
        "Iryna",
        "Mykhailo",
        "Dmytro",
        "Yuliia",
        "Serhii",
        "Oksana",
        "Taras",
        "Natalia",
        "Yurii",
        "Kateryna",
        "Bohdan",
        "Halyna",
        "Vitalii",
        "Larysa",
        "Oleh",
        "Svitlana",
    ],
    "cyr": [
        "Володимир",
        "Олександр",
        "Андрій",
        "Олена",
        "Ірина",
        "Михайло",
        "Дмитро",
        "Юлія",
        "Сергій",
        "Оксана",
        "Тарас",
        "Наталія",
        "Юрій",
        "Катерина",
        "Богдан",
        "Галина",
    ],
    "ko": [
        "민준",
        "서연",
        "지훈",
        "수빈",
        "재명",
        "석열",
        "현우",
        "지민",
        "예은",
        "도윤",
        "하은",
        "성민",
        "영희",
        "철수",
        "은지",
        "동현",
    ],
    "ko-latn": [
        "Min-jun",
        "Seo-yeon",
        "Ji-hoon",
        "Su-bin",
        "Jae-myung",
        "Suk-yeol",
        "Hyun-woo",
        "Ji-min",
        "Ye-eun",
        "Do-yoon",
    ],
    "eu": [
        "José",
        "María",
        "Jürgen",
        "François",
        "Zoë",
        "Søren",
        "Łukasz",
        "Çağla",
        "Inès",
        "Agnès",
        "Björn",
        "Renée",
        "Andrés",
        "Małgorzata",
    ],
}
LAST = {
    "en": [
        "Smith",
        "Johnson",
        "Williams",
        "Brown",
        "Jones",
        "Garcia",
        "Miller",
        "Davis",
        "Rodriguez",
        "Martinez",
        "Hernandez",
        "Lopez",
        "Wilson",
        "Anderson",
        "Taylor",
        "Moore",
        "Jackson",
        "Martin",
        "Lee",
        "Thompson",
        "White",
        "Harris",
        "Clark",
        "Lewis",
    ],
    "uk": [
        "Zelenskyy",
        "Kovalenko",
        "Shevchenko",
        "Bondarenko",
        "Tkachenko",
        "Kravchenko",
        "Melnyk",
        "Boyko",
        "Lysenko",
        "Marchenko",
        "Rudenko",
        "Savchenko",
        "Petrenko",
        "Sydorenko",
        "Kuleba",
        "Podolyak",
        "Reznikov",
        "Yermak",
        "Budanov",
        "Syrskyi",
    ],
    "cyr": [
        "Коваленко",
        "Шевченко",
        "Бондаренко",
        "Ткаченко",
        "Кравченко",
        "Мельник",
        "Бойко",
        "Лисенко",
        "Марченко",
        "Руденко",
        "Савченко",
        "Петренко",
        "Сидоренко",
        "Подоляк",
        "Єрмак",
        "Буданов",
    ],
    "ko": ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신"],
    "ko-latn": ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"],
    "eu": [
        "García",
        "Müller",
        "Lefèvre",
        "Núñez",
        "Gonçalves",
        "Dvořák",
        "Wałęsa",
        "Ødegaard",
        "Sánchez",
        "Fernández",
        "Schröder",
        "Ångström",
        "Béranger",
        "Özdemir",
    ],
}
TITLES = [
    *("Spokesperson for the Ministry of Defence", "Member of Parliament", "Deputy Minister of Foreign Affairs"),
    *("Head of the regional military administration", "Mayor", "Commander of the Air Force", "Analyst"),
    *("Senior fellow", "Press secretary", "Ambassador to the United Nations", "Народний депутат України"),
    *("국회의원", "Chief of the General Staff", "Governor", "Professor of international relations"),
]
AFFILIATIONS = [
    *("Verkhovna Rada", "Ministry of Defence of Ukraine", "Institute for the Study of War", "RAND Corporation"),
    *("Міністерство оборони України", "국방부", "NATO", "European Commission", "Kyiv School of Economics"),
    *("Carnegie Endowment", "Royal United Services Institute", "Office of the President of Ukraine"),
]
INSTITUTIONS = [
    *("Ministry of Defence of Ukraine", "Міністерство оборони України", "Ministry of Foreign Affairs of Ukraine"),
    *("국방부", "합동참모본부", "National Intelligence Service (South Korea)", "Pentagon", "US State Department"),
    *("Main Intelligence Directorate of Ukraine", "Air Force of Ukraine", "State Emergency Service of Ukraine"),
    *("Russian Ministry of Defence", "Ukrainian Navy", "Energoatom", "Ukrenergo", "Naftogaz", "IAEA"),
    *("Kyiv City Military Administration", "Kharkiv Regional Military Administration", "NATO"),
    *("European Commission", "UN Human Rights Monitoring Mission in Ukraine", "World Bank", "Bank of Korea"),
]
GROUPS = [
    *("Experts", "Officials", "Western intelligence officials", "A source in the General Staff"),
    *("Local residents", "Military analysts", "Diplomats", "Sources familiar with the matter"),
    *("Джерело в Генштабі", "정부 소식통", "People close to the negotiations", "Volunteers"),
]
OUTLET_NAMES = [
    *("B-17", "Kyiv Independent", "Reuters", "Associated Press", "BBC News", "Ukrainska Pravda", "Yonhap"),
    *("KCNA", "X", "Telegram", "Facebook", "YouTube", "Українська правда", "연합뉴스", "Suspilne", "Hromadske"),
    *("The Guardian", "The New York Times", "Le Monde", "Der Spiegel", "Korea Herald", "NK News", "Interfax"),
    *("RBC-Ukraine", "Radio Liberty", "Deutsche Welle", "Al Jazeera", "Politico Europe", "ТСН", "조선일보"),
]
CITIES = [
    *("Kyiv", "Lviv", "Kharkiv", "Odesa", "Dnipro", "Zaporizhzhia", "Seoul", "Busan", "Warsaw", "Vilnius"),
    *("Riga", "Tallinn", "Berlin", "Paris", "London", "Washington", "Toronto", "Prague", "Chernihiv", "Sumy"),
]
PAPERS = [
    *("Herald", "Tribune", "Post", "Daily", "Observer", "Gazette", "Times", "Monitor", "Courier", "Journal"),
    *("Chronicle", "Dispatch", "Review", "Independent", "Wire"),
]
SOCIAL = ["X", "Telegram", "Facebook", "YouTube"]
SUBJECTS = [
    *("drones", "missiles", "North Korean troops", "artillery shells", "tanks", "air-defence systems"),
    *("civilians evacuated", "power substations", "prisoners of war", "grain ships", "refugees", "mines cleared"),
]
UNITS = ["drones", "troops", "shells", "people", "km", "tonnes", "UAH bn", "USD m", "% of capacity", "ships"]
REGIONS = [
    *("Kursk", "Donetsk", "Kharkiv", "Zaporizhzhia", "Kherson", "Crimea", "Belgorod", "the Black Sea"),
    *("Pokrovsk", "Kupiansk", "Avdiivka", "the Korean peninsula", "Pyongyang", "Rostov"),
]
TEMPLATES = [
    ("factual", "Russia launched {n} {subject} at {region} between {start} and {end}."),
    ("factual", "{n} {subject} have been moved to the {region} region since {start}."),
    ("factual", "Ukrainian forces destroyed {n} {subject} near {region}, according to the report of {end}."),
    ("factual", "Up to {n} {subject} were recorded in {region} during the week ending {end}."),
    ("factual", "The government allocated {n} UAH for {subject} in {region}, the budget of {start} shows."),
    ("factual", "Росія випустила {n} одиниць ({subject}) по регіону {region} з {start} до {end}."),
    ("factual", "북한은 {start}부터 {region}에 {n}명의 병력을 보냈다 ({subject})."),
    ("opinion", "Sending {n} more {subject} to {region} would change nothing before {end}."),
    ("opinion", "Direct combat experience in {region} is a massive boon, worth more than {n} {subject}."),
    ("prediction", "By {end}, {region} will see at least {n} {subject}, and the front will move."),
    ("prediction", "Future wars will be fought with {n} {subject} at a time, as in {region} since {start}."),
]
QUOTES = [
    "We have seen {n}, maybe more, and we will not stop counting, he said.",
    'They called it "a routine exercise", but {n} is not routine.',
    "I can say this: {n}. Not one less, not one more.",
    'It was "{n}", the officer repeated, "and that was only the first night."',
    "Ми бачили {n}, і це не кінець, — сказав він.",
    "{n}이라는 숫자는 시작일 뿐입니다, 라고 말했다.",
    "First line: {n} confirmed.\nSecond line: the rest, unconfirmed, for now.",
    'He wrote, on two lines:\n"{n} is the number,\nand it is growing."',
]
HEADLINES = [
    "Russia is passing on deadly drone techniques to North Korea, {speaker} tells {outlet}",
    '"We will hold {region}," {speaker} says, as shelling intensifies',
    "{region}: what we know, and what we don't, about the week of {day}",
    "Exclusive: {speaker} on {region}, drones, and the winter ahead",
    "Фронт у регіоні {region}: що відомо станом на {day}",
    "{region} 상황, {day} 기준으로 알려진 것",
]
WHEN = ["before publication", "late last month", "on Tuesday", "earlier this week", "in a televised address"]
VENUES_WITH_OUTLET = ["statement_to_outlet", "interview"]
VENUES = [
    *("statement_to_outlet", "interview", "press_conference", "public_remarks", "public_remarks"),
    *("social_media_post", "social_media_post", "official_document", "anonymous_briefing"),
]
QUALIFIERS = ["", "", "up_to", "about", "at_least", "more_than", "fewer_than"]
ACCENTS = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "y": "ý", "c": "ç", "n": "ñ", "и": "й", "і": "ї"}


# ---------------------------------------------------------------------------------------------
# Pools


def zipf_cumulative(count, exponent):
    return list(accumulate(1 / rank**exponent for rank in range(1, count + 1)))


def speaker_pool(rng, count):
    """[(name, kind, title, affiliation)], most frequent first, all distinct once normalised."""
    pool, seen = [], set()

    def add(speaker):
        key = normalize_name(speaker[0])
        if key and key not in seen:
            seen.add(key)
            pool.append(speaker)

    for speaker in FAMOUS:
        add(speaker)
    for name in INSTITUTIONS:
        add((name, "institution", "", ""))
    for name in GROUPS:
        add((name, "unnamed_group", "", ""))
    scripts = list(FIRST)
    attempts = 0
    while len(pool) < count and attempts < count * 50:
        attempts += 1
        script = rng.choice(scripts)
        first, last = rng.choice(FIRST[script]), rng.choice(LAST[script])
        if script == "ko":
            name = last + first
        elif script == "ko-latn":
            name = f"{last} {first}"
        else:
            middle = rng.choice([other for other in FIRST[script] if other != first]) if rng.random() < 0.3 else ""
            name = " ".join(part for part in (first, middle, last) if part)
        title = rng.choice(TITLES) if rng.random() < 0.6 else ""
        affiliation = rng.choice(AFFILIATIONS) if rng.random() < 0.4 else ""
        add((name, "person", title, affiliation))
    head, tail = pool[: len(FAMOUS)], pool[len(FAMOUS) :]
    rng.shuffle(tail)  # institutions and groups spread through the ranks, the famous stay on top
    return head + tail


def outlet_pool(rng, count):
    pool, seen = [], set()
    for name in OUTLET_NAMES:
        seen.add(normalize_name(name))
        pool.append(name)
    while len(pool) < count:
        name = f"The {rng.choice(CITIES)} {rng.choice(PAPERS)}"
        if rng.random() < 0.3:
            name += f" {rng.choice(['Online', 'Weekly', 'Live', 'Today'])}"
        if normalize_name(name) not in seen:
            seen.add(normalize_name(name))
            pool.append(name)
    return pool


def domain_of(outlet):
    return (normalize_name(outlet).replace(" ", "") or "outlet") + ".example"


def variant(rng, name):
    """Another spelling of `name` that normalises to the same key."""
    for _ in range(10):
        how = rng.randrange(6)
        if how == 0:
            spelled = name.upper()
        elif how == 1:
            spelled = name.lower()
        elif how == 2:
            spelled = name.replace(" ", "  ", 1) if " " in name else f" {name} "
        elif how == 3:
            spelled = f"{name}."
        elif how == 4:  # diacritics dropped
            decomposed = unicodedata.normalize("NFKD", name)
            spelled = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))
        else:  # a diacritic added
            places = [n for n, ch in enumerate(name) if ch.lower() in ACCENTS]
            if not places:
                continue
            n = rng.choice(places)
            accented = ACCENTS[name[n].lower()]
            spelled = name[:n] + (accented.upper() if name[n].isupper() else accented) + name[n + 1 :]
        if spelled != name and normalize_name(spelled) == normalize_name(name):
            return spelled
    return f"{name}."


# ---------------------------------------------------------------------------------------------
# Rows


class Generator:
    def __init__(self, rows, seed=SEED, speakers=None, outlets=300):
        self.rows = rows
        self.rng = random.Random(seed)
        self.speakers = speaker_pool(self.rng, speakers or min(5000, max(200, rows // 30)))
        self.speaker_weights = zipf_cumulative(len(self.speakers), 1.07)
        self.outlets = outlet_pool(self.rng, outlets)
        self.outlet_weights = zipf_cumulative(len(self.outlets), 0.9)
        self.used_speakers, self.used_outlets = set(), set()
        self.counts = dict.fromkeys(["articles", "appearances", "evidence", "variant_rows", "id_rows"], 0)
        self.statuses = {}
        self.article = None
        self.article_left = 0

    def pick(self, pool, weights):
        return pool[bisect(weights, self.rng.random() * weights[-1])]

    def outlet(self, *, named=True):
        """An outlet; `named` when it goes into an outlet column (and so must exist after the import)."""
        name = self.pick(self.outlets, self.outlet_weights)
        if named:
            self.used_outlets.add(normalize_name(name))
        return name

    def day(self):
        return FIRST_DAY + timedelta(days=self.rng.randrange(DAYS))

    def number(self, index):
        # Unique per row (7919 is coprime with 10**7), so every claim text is unique.
        return 1000 + (index * 7919) % 10**7

    def __iter__(self):
        for index in range(self.rows):
            yield self.row(index)

    def row(self, index):
        rng = self.rng
        name, speaker_kind, title, affiliation = self.pick(self.speakers, self.speaker_weights)
        self.used_speakers.add(normalize_name(name))
        if rng.random() < VARIANT_SHARE:
            name = variant(rng, name)
            self.counts["variant_rows"] += 1
        n = self.number(index)
        start = self.day()
        end = start + timedelta(days=rng.randrange(1, 60))
        region, subject = rng.choice(REGIONS), rng.choice(SUBJECTS)
        kind, template = rng.choice(TEMPLATES)
        text = template.format(n=f"{n:,}", subject=subject, region=region, start=start, end=end)
        quote = rng.choice(QUOTES).format(n=f"{n:,}") if rng.random() < QUOTE_SHARE else ""

        quantity = ["", "", ""]
        if rng.random() < QUANTITY_SHARE:
            value = str(n) if rng.random() < 0.8 else f"{n / 100:.2f}"
            quantity = [value, rng.choice(UNITS), rng.choice(QUALIFIERS)]

        appearance = [""] * 6
        if rng.random() < 0.85:
            venue = rng.choice(VENUES)
            outlet = ""
            if venue in VENUES_WITH_OUTLET or venue == "press_conference" or rng.random() < 0.3:
                outlet = self.outlet()
            if venue == "social_media_post":
                outlet = rng.choice(SOCIAL)
                self.used_outlets.add(normalize_name(outlet))
            relays = []
            if rng.random() < RELAY_SHARE:
                for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
                    relay = self.outlet()
                    if relay not in relays:
                        relays.append(relay)
            url = ""
            if venue == "social_media_post":
                url = f"https://{outlet.lower()}.example/{normalize_name(name).replace(' ', '_')[:30]}/status/{n}"
            elif rng.random() < 0.2:
                url = f"https://{domain_of(outlet or 'gov')}/statements/{start:%Y/%m}/{n}"
            when_day = str(start) if rng.random() < 0.5 else ""
            appearance = [
                venue,
                outlet,
                rng.choice([" > ", " > ", " → "]).join(relays),
                url,
                when_day,
                rng.choice(WHEN) if rng.random() < 0.1 else "",
            ]
            self.counts["appearances"] += 1 + len(relays)

        article = ["", "", "", ""]
        if self.article_left <= 0 and rng.random() < 0.9:
            outlet = self.outlet()
            published = self.day()
            headline = rng.choice(HEADLINES).format(
                speaker=name.strip(), outlet=outlet, region=region, day=published.strftime("%d %B %Y")
            )
            self.counts["articles"] += 1
            number = self.counts["articles"]
            url = f"https://{domain_of(outlet)}/{published:%Y/%m}/story-{number}"
            self.article = [url, headline, outlet, str(published)]
            self.article_left = rng.randrange(1, 9)
        if self.article_left > 0:
            article = self.article
            self.article_left -= 1

        status, reason, evidence = self.verdict(rng, n)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        given = ""
        if rng.random() < ID_SHARE:
            given = f"desk-{start:%Y}-{index:07d}"
            self.counts["id_rows"] += 1
        return [
            given,
            text,
            quote,
            kind,
            *quantity,
            name,
            speaker_kind,
            title,
            affiliation,
            *appearance,
            *article,
            status,
            reason,
            *evidence,
        ]

    def verdict(self, rng, n):
        roll = rng.random()
        if roll < 0.82:
            reason = "B-17 was unable to independently confirm the statement." if rng.random() < 0.2 else ""
            return "unconfirmed", reason, ["", "", "", ""]
        self.counts["evidence"] += 1
        source = self.outlet(named=False)
        url = f"https://{domain_of(source)}/fact-check/{n}"
        if roll < 0.88:
            summary = f"{source} confirms the figure of {n:,}, citing two independent sources."
            return "verified", "Confirmed by independent sources.", [url, "", summary, "supports"]
        if roll < 0.93:
            summary = f'Satellite images contradict the claim; "{n:,}" is not supported.'
            citation = "" if rng.random() < 0.7 else f"Briefing by {source}, {self.day()}"
            return "false", "Refuted by satellite imagery.", [url if not citation else "", citation, summary, "refutes"]
        summary = f"Other officials give a different figure than {n:,}, for the same week."
        return "disputed", "Conflicting figures from officials.", [url, "", summary, rng.choice(["refutes", "context"])]

    def meta(self):
        return {
            "rows": self.rows,
            "speakers": len(self.used_speakers),
            "outlets": len(self.used_outlets),
            **self.counts,
            "statuses": self.statuses,
        }


def generate(rows, output, seed=SEED):
    """Write `rows` rows to `output` and its .meta.json; return the meta."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    generator = Generator(rows, seed)
    partial = output.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(generator)
    partial.replace(output)
    meta = {**generator.meta(), "seed": seed, "bytes": output.stat().st_size, "generator": source_digest()}
    meta_path(output).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return meta


def source_digest():
    """A digest of this script: a file made by another version of it is made again."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def meta_path(output):
    return Path(f"{output}.meta.json")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--output", type=Path, help="default: benchmarks/data/claims-<rows>.csv")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    output = args.output or Path(__file__).parent / "data" / f"claims-{args.rows}.csv"
    started = time.perf_counter()
    meta = generate(args.rows, output, args.seed)
    print(
        f"{output}: {meta['rows']:,} rows, {meta['bytes'] / 1e6:.1f} MB, {meta['speakers']:,} speakers, "
        f"{meta['outlets']:,} outlets, {meta['articles']:,} articles, in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
