"""Propose the attributed claims of stories: python manage.py extract_claims PATH... [--outlet NAME] [--json].

Needs no database: it reads the files, runs the extraction engine (the spaCy pipeline loaded
once for all of them) and prints, with --json, one JSON object per file and line:
{"file": PATH, "claims": [...]}, each claim as Proposal.to_json() gives it, with offsets into the
file's text read as UTF-8 (universal newlines, as Python's open() reads it; a byte-order mark is
not part of the text). An .html or .htm file is first reduced to its paragraphs, as the story desk
reduces it; its offsets are into that text, which its record carries as "text".
"""

import json
from itertools import chain, tee
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from factcheck import extraction, storydesk


class Command(BaseCommand):
    help = "Propose the attributed claims of stories (plain text files), without a database."
    requires_system_checks = []  # runs where no database is reachable

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a story as a UTF-8 .txt or .html file")
        parser.add_argument(
            "--outlet", help="the stories' own outlet, e.g. B-17 (“told B-17” is then a statement to it)"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object per file and line")

    def handle(self, *args, paths, outlet, json, **options):
        texts, names = tee(((path, read_story(path)) for path in paths), 2)
        try:
            results = extraction.extract_many((text for _, text in texts), outlet=outlet)
            for (path, text), proposals in zip(names, results, strict=True):
                self.show(path, text, proposals, as_json=json)
        except extraction.PipelineMissing as error:
            raise CommandError(str(error)) from error

    def show(self, path, text, proposals, *, as_json):
        if as_json:
            # One claim per statement, as the story makes it: the first speaker's of a joint one.
            record = {"file": path, "claims": [proposal.to_json() for proposal in proposals if not proposal.joint]}
            if is_html(path):
                record["text"] = text
            self.stdout.write(json_line(record))
            return
        self.stdout.write(f"{path}: {len(proposals)} claim{'s' if len(proposals) != 1 else ''}")
        for number, proposal in enumerate(proposals, 1):
            chain_text = " → ".join(chain([proposal.outlet or proposal.venue or "?"], proposal.relayed_by))
            speaker = proposal.speaker or "(no source)"
            self.stdout.write(f"  {number}. {speaker} [{proposal.speaker_kind}] via {chain_text}: {proposal.claim}")
            notes = []
            if proposal.quantity:
                notes.append(f"quantity {proposal.quantity.qualifier or 'exactly'} {proposal.quantity.value}")
            if proposal.hedged:
                notes.append(f"hedged: {proposal.hedge}")
            notes += [f"{kind.replace('_', ' ')} #{other + 1}" for kind, other in proposal.links]
            if notes:
                self.stdout.write(f"     ({'; '.join(notes)})")


def json_line(record):
    return json.dumps(record, ensure_ascii=False)


def is_html(path):
    return Path(path).suffix.lower() in {".html", ".htm"}


def read_story(path):
    try:
        with open(path, encoding="utf-8-sig") as file:
            text = file.read()
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a directory, not a story file") from None
    except UnicodeDecodeError as error:
        raise CommandError(f"{path}: not UTF-8 text (byte {error.start}: {error.reason})") from None
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror})") from None
    return storydesk.story_text(text, html=True) if is_html(path) else text
