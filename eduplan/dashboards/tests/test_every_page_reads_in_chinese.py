"""Every page and download each demo role reaches reads as the bureau reads it: in the
Chinese interface no English words, no period codes (2016B6) and no "None" (the widths:
test_browser_page_widths.py).

The pages are found as a user finds them: from the 工作台, the cockpit and the plan,
following links inside the site, at most two pages of each shape (…/projects/N/), and
every .xlsx and .docx those pages offer."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import docx
import openpyxl
import pytest
from django.test import Client

ROLES = [
    "leader", "duchashi", "jichu", "tiweiyi", "jiaoshi", "jinshui", "jinshui-school1",
    "gaozhong-school1", "xueqian", "xinfang", "anquan", "jinshui-kg1",
]  # fmt: skip
SEEDS = ["/work/", "/dashboards/", "/", "/ledgers/", "/public/", "/kindergartens/"]
PERIOD_CODE = re.compile(r"\b20\d\d(?:B[1-6]|T[12]|Q[1-4]|M\d{1,2})\b")
NONE = re.compile(r"\bNone\b")
WORD = re.compile(r"[A-Za-z]{4,}")
# Names the bureau writes in Latin letters, units of measure and the demo's user names.
LATIN = {
    "EduPlan", "Excel", "Word", "WPS", "Mbps", "xlsx", "docx", "Token", "Bearer",
    "Authorization", "Chromium",
    "http", "https", "admin", "leader", "duchashi", "jichu", "tiweiyi", "jinshui", "erqi",
    "school", "caiwu", "minban", "gaozhong", "jiaoshi", "xinfang", "xueqian", "anquan",
}  # fmt: skip
SKIP = ("logout", "/admin/", "/i18n/", "/api/", "/accounts/")
PAGES_PER_ROLE = 70
SAME_SHAPE = 2


class _Text(HTMLParser):
    """The visible text of a page and the links it offers."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith("//"):
            self.links.append(href.split("#")[0])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.text.append(data.strip())


def _faults(where: str, texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        if PERIOD_CODE.search(text):
            found.append(f"{where}: period code in {text[:60]!r}")
        if NONE.search(text):
            found.append(f"{where}: None in {text[:60]!r}")
        english = [w for w in WORD.findall(text) if w not in LATIN and not w.isupper()]
        if english:
            found.append(f"{where}: English {english[:3]} in {text[:60]!r}")
    return found


def _download_texts(url: str, content: bytes) -> list[str]:
    if content[:2] != b"PK":
        return []
    if ".docx" in url or b"word/" in content[:2000]:
        document = docx.Document(io.BytesIO(content))
        texts = [p.text for p in document.paragraphs]
        texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
        return [t for t in texts if t.strip()]
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str) and value.strip()
    ]


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0])


@pytest.mark.parametrize("username", ROLES)
def test_every_page_and_download_of_a_role_reads_in_chinese(as_user, username):
    client: Client = as_user(username)
    queue, seen, shapes = list(SEEDS), set(), {}
    faults: list[str] = []
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.pop(0).replace("&amp;", "&")
        if url in seen or any(s in url for s in SKIP):
            continue
        if shapes.get(_shape(url), 0) >= SAME_SHAPE:
            continue
        seen.add(url)
        shapes[_shape(url)] = shapes.get(_shape(url), 0) + 1
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code < 500, url
        if response.status_code != 200:
            continue
        kind = response.get("Content-Type", "")
        if "html" not in kind:
            faults += _faults(url, _download_texts(url, b"".join(response)))
            continue
        page = _Text()
        page.feed(response.content.decode())
        faults += _faults(url, page.text)
        queue += [link for link in page.links if link not in seen]
    assert len(seen) >= 10, seen  # the crawl found the role's pages
    assert faults == [], "\n".join(sorted(set(faults))[:40])
