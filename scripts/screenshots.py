"""The README's pictures: serve the demo on a throwaway database and visit it in Chromium.

    make screenshots            # or: .venv/bin/python scripts/screenshots.py [--port 8765]

Writes docs/screenshots/*.png (the queue, a claim, the story desk, the admin, a claim on a
phone). Nothing is written to db.sqlite3: the demo is loaded into a temporary SQLite file.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1200, "height": 760}
PHONE = {"width": 390, "height": 844}

# A short made-up story for the desk: the seed story is tracked already in the demo.
STORY = """Grain corridor ships double, port says
The Odesa port authority said on Monday that 42 grain ships left the port last week, twice as many as in May.
"We expect 50 ships next week if the weather holds," the port's director, Olena Petrenko, told reporters.
Russia's defence ministry claimed on Telegram that the corridor was being used to carry weapons.
"""


def manage(env, *args):
    command = [sys.executable, "manage.py", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 our manage.py


def wait_for(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"The demo server did not start on port {port}.")


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"{username}-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/claims/")


def shoot(page, name):
    page.screenshot(path=OUT / f"{name}.png")
    print(f"docs/screenshots/{name}.png")


def take(base):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport=DESKTOP)
        sign_in(page, base, "editor")
        page.wait_for_selector("#status-counts .count")  # the counts are loaded after the page is shown
        shoot(page, "queue")

        page.get_by_role("link", name="Up to 8,000 North Korean troops have been moved").click()
        page.wait_for_selector("#claim-status")
        shoot(page, "claim")

        page.get_by_role("link", name="Add a story").click()
        page.get_by_label("The story's text").fill(STORY)
        page.get_by_label("Outlet", exact=True).fill("Odesa Journal")
        page.get_by_role("button", name="Propose the claims").click()
        page.wait_for_selector("#save-story", timeout=60_000)
        shoot(page, "story-desk")

        admin = browser.new_page(viewport={"width": 1400, "height": 760})
        sign_in(admin, base, "admin")
        admin.goto(f"{base}/admin/factcheck/claim/")
        admin.locator("#toggle-nav-sidebar").click()  # the claims' columns need the room
        admin.evaluate("window.scrollTo(0, 0)")
        shoot(admin, "admin")

        phone = browser.new_page(viewport=PHONE)
        sign_in(phone, base, "editor")
        phone.get_by_role("link", name="Up to 8,000 North Korean troops have been moved").click()
        phone.wait_for_selector("#claim-status")
        shoot(phone, "claim-phone")
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{scratch}/demo.sqlite3", "DEBUG": "1"}
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo", "--accounts")
        server = subprocess.Popen(  # noqa: S603 our manage.py, a port number from argparse
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{args.port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(args.port)
            take(f"http://127.0.0.1:{args.port}")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
