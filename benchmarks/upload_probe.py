"""Upload a file through the admin's import screen of a running server, as a browser would; time each step.

    python benchmarks/upload_probe.py http://127.0.0.1:8000 USERNAME PASSWORD claims.csv [--confirm]

Prints how long the upload request took (the server only saves the file), then how long the
check took on the task worker (polling the job's page), and with --confirm how long the import
took. The body is streamed from disk, and the session and CSRF cookies are sent by hand, so
that it works against production settings (secure cookies) over plain HTTP on one's own machine.
Standard library only.
"""

import argparse
import http.client
import re
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

UPLOAD = "/admin/factcheck/importjob/upload/"


class Browser:
    def __init__(self, base):
        self.base = urlsplit(base)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(self.base.hostname, self.base.port or 80, timeout=600)
        headers = {
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
            "Referer": f"{self.base.scheme}://{self.base.netloc}{path}",
            **(headers or {}),
        }
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        content = response.read()
        connection.close()
        return response.status, response.getheader("Location"), content.decode("utf-8", "replace")

    def form_token(self, path):
        status, _, page = self.request("GET", path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            sys.exit(f"GET {path} answered {status} with no form")
        return match.group(1)

    def post_form(self, path, fields, token=None):
        fields = {"csrfmiddlewaretoken": token or self.form_token(path), **fields}
        body = urlencode(fields).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})


def multipart(fields, file_path):
    """(headers, body chunks) of a multipart form whose file is read from disk as it is sent."""
    boundary = uuid.uuid4().hex
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_path.name}"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks():
        yield head
        with open(file_path, "rb") as source:
            while block := source.read(1 << 20):
                yield block
        yield tail

    length = len(head) + file_path.stat().st_size + len(tail)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(length)}
    return headers, chunks()


def wait_for(browser, job_page, pattern, timeout=3600):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        status, _, page = browser.request("GET", job_page)
        if re.search(pattern, page):
            return time.monotonic() - started, status, page
        time.sleep(1)
    sys.exit(f"{job_page} did not show {pattern!r} within {timeout} s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("username")
    parser.add_argument("password")
    parser.add_argument("file", type=Path)
    parser.add_argument("--confirm", action="store_true", help="also confirm the import and time it")
    options = parser.parse_args(argv)

    browser = Browser(options.base)
    status, _, _ = browser.post_form(
        "/admin/login/", {"username": options.username, "password": options.password, "next": "/admin/"}
    )
    if status != 302:
        sys.exit(f"login answered {status}")

    headers, body = multipart({"csrfmiddlewaretoken": browser.form_token(UPLOAD), "mode": "atomic"}, options.file)
    started = time.monotonic()
    status, location, page = browser.request("POST", UPLOAD, body, headers)
    answered = time.monotonic() - started
    size = options.file.stat().st_size
    print(f"upload of {size / 1e6:,.1f} MB: {status} in {answered:.2f} s ({location or 'no redirect'})")
    if status != 302:
        sys.exit(page[:2000])

    took, status, page = wait_for(browser, location, r"<h2>Preview|This file cannot be imported")
    print(f"check on the worker: {took:.0f} s after the upload answered (the job page answered {status})")
    if options.confirm and "<h2>Preview" in page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        browser.post_form(location + "confirm/", {}, token)
        took, _, page = wait_for(browser, location, r"<h2>(Succeeded|Failed)")
        outcome = re.search(r"<h2>(\w+)", page).group(1)
        print(f"import on the worker: {took:.0f} s after the confirmation; {outcome}")


if __name__ == "__main__":
    main()
