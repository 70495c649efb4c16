"""What the README and docs/ tell a new user to type, read as text: no database, no server."""

import csv
import json
import re

import pytest
from django.conf import settings

from factcheck.exporting import CSV_COLUMNS
from factcheck.models import ApiToken, Claim

PAGES = [settings.BASE_DIR / "README.md", *sorted((settings.BASE_DIR / "docs").glob("*.md"))]


def shell_blocks(text):
    return re.findall(r"```(?:sh|bash|shell)?\n(.*?)```", text, re.DOTALL)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_manage_py_command_runs_the_projects_own_python(page):
    """`make run` builds .venv but never activates it: a bare `python manage.py` fails for lack of Django."""
    commands = re.findall(r"(\S*python\S*) manage\.py", page.read_text(encoding="utf-8"))
    assert [command for command in commands if command.strip("`(") != ".venv/bin/python"] == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_variable_a_shell_example_reads_is_set_in_that_example(page):
    for block in shell_blocks(page.read_text(encoding="utf-8")):
        read = set(re.findall(r"\$\{?([A-Za-z_]\w*)", block))
        assigned = set(re.findall(r"(?:^|\s)([A-Za-z_]\w*)=", block, re.MULTILINE))
        assert read - assigned == set(), block


def test_the_import_guide_counts_the_export_columns_and_names_those_the_sample_lacks():
    guide = (settings.BASE_DIR / "docs" / "importing.md").read_text(encoding="utf-8")
    csv_section = guide.split("\n## CSV\n", 1)[1].split("\n## ", 1)[0]
    table = [cell for cell in re.findall(r"^\| (.+?) \|", csv_section, re.MULTILINE) if cell != "column"]
    listed = {name for cell in table for name in re.findall(r"`([a-z_]+)`", cell)} - {"url"}
    assert listed == set(CSV_COLUMNS)
    assert f"`export_claims` writes the {len(CSV_COLUMNS)} columns below" in " ".join(csv_section.split())

    with open(settings.BASE_DIR / "fixtures" / "sample-claims.csv", encoding="utf-8", newline="") as sample:
        header = next(csv.reader(sample))
    lacking = [name for name in CSV_COLUMNS if name not in header]
    assert lacking == ["attribution", "status_source"]  # the last, an export's word, no sheet's
    said = " and ".join(f"`{name}`" for name in lacking)
    assert f"uses all of them but {said}." in " ".join(csv_section.split())


def test_the_api_example_is_the_answer_the_demo_gives_to_its_request(demo, reviewer, client):
    """docs/prepublication.md's request and answer; its claim ids are the demo's on a new database."""
    guide = (settings.BASE_DIR / "docs" / "prepublication.md").read_text(encoding="utf-8")
    api = guide.split("## The API: `POST /api/check/`", 1)[1]
    request = json.loads(re.search(r"-d '(\{.*?\})'", api, re.DOTALL).group(1))
    documented = json.loads(re.search(r"The answer \(200\).*?```json\n(.*?)```", api, re.DOTALL).group(1))
    token = ApiToken.create_for(reviewer, "CMS plugin")[1]

    response = client.post(
        "/api/check/", request, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert response.status_code == 200
    seed_number = {pk: number for number, pk in enumerate(Claim.objects.order_by("pk").values_list("pk", flat=True), 1)}
    answer = json.loads(
        re.sub(
            r"(claim #|\"tracked_claim\": |\"id\": )(\d+)",
            lambda found: f"{found[1]}{seed_number[int(found[2])]}",
            response.content.decode(),
        )
    )
    assert answer == documented


def test_the_readmes_api_example_says_which_port_to_use_when_make_run_serves_another():
    """The example addresses port 8000, the default; `make run PORT=8080` is documented beside it."""
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    example = readme.index("curl -X POST http://127.0.0.1:8000/api/check/")
    note = readme[readme.index("```", example) + 3 :].strip().split("\n\n", 1)[0]
    assert "PORT=8080" in note and "http://127.0.0.1:8080/api/check/" in note, note
