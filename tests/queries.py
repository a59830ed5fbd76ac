"""``assert_constant_queries``: a list page costs as many queries with 20 rows as with 2.

Registered for the whole suite in tests/conftest.py (``pytest_plugins``). Use it for every
list page (conventions.md: "list pages whose query count grows with the number of rows" are
a bug)::

    def test_round_list(client, assert_constant_queries):
        assert_constant_queries(
            reverse("applications:rounds"),
            make_rows=lambda n: FundingRoundFactory.create_batch(n),
            client=client,
        )

``make_rows(n)`` adds ``n`` rows: it is called with 2, the page is measured, then with the
difference to 20, and the page is measured again. Instead of a URL, a callable that makes the
request (and returns the response) can be given, for a POST or particular headers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

FEW = 2
MANY = 20


def _measure(request: Callable[[], object], expected_status: int | None):
    with CaptureQueriesContext(connection) as captured:
        response = request()
    if expected_status is not None:
        status = getattr(response, "status_code", None)
        assert status == expected_status, f"expected {expected_status}, got {status}"
    return response, [q["sql"] for q in captured.captured_queries]


_LITERALS = re.compile(r"'[^']*'|\b\d+\b")


def _growing(few: list[str], many: list[str]) -> str:
    """The queries (literals replaced by ?) that ran more often with more rows."""
    before = Counter(_LITERALS.sub("?", sql) for sql in few)
    after = Counter(_LITERALS.sub("?", sql) for sql in many)
    lines = [
        f"  {before[sql]} -> {n} times: {sql[:400]}" for sql, n in after.items() if n != before[sql]
    ]
    return "\n".join(lines) or "  (the same statements, in other numbers)"


def check_constant_queries(
    url_or_request: str | Callable[[], object],
    *,
    make_rows: Callable[[int], object],
    client=None,
    sizes: tuple[int, int] = (FEW, MANY),
    status: int | None = 200,
):
    """Adds ``sizes[0]`` rows, measures the page, adds rows up to ``sizes[1]``, measures
    again, and fails unless both counts are equal (the message names both and the queries
    that ran more often). Returns the second response."""
    few, many = sizes
    assert 0 < few < many, sizes
    if callable(url_or_request):
        request, where = url_or_request, getattr(url_or_request, "__name__", "request")
    else:
        assert client is not None, "a URL needs a client"
        url = url_or_request

        def request():
            return client.get(url)

        where = url
    make_rows(few)
    _, with_few = _measure(request, status)
    make_rows(many - few)
    response, with_many = _measure(request, status)
    assert len(with_few) == len(with_many), (
        f"{where}: {len(with_few)} queries with {few} rows, {len(with_many)} with {many} rows "
        f"(a query per row?). Queries run more often with more rows:\n"
        f"{_growing(with_few, with_many)}"
    )
    return response


@pytest.fixture
def assert_constant_queries(db) -> Callable[..., object]:
    """``assert_constant_queries(url_or_request, make_rows=..., client=...)``: see the module."""
    return check_constant_queries
