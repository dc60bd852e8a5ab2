"""The districts page shows each commitment once and says what its counts count."""

from __future__ import annotations

import re
from collections import Counter


def test_the_districts_page_repeats_no_target_column_and_counts_reports_in_copies(as_user):
    body = as_user("leader").get("/dashboards/districts/", {"at": "2016B6"}).content.decode()
    head = body[body.index("<thead>") : body.index("</thead>")]
    titles = Counter(
        re.findall(r'<th class="small text-nowrap" data-target="\d+"><a [^>]*title="([^"]+)"', head)
    )
    assert titles, "the demo city has targets measured district by district"
    assert [t for t, n in titles.items() if n > 1] == []
    assert "未报（份）" in head and "迟报（份）" in head
    assert ">-0<" not in body
