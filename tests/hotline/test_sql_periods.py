"""One grouping of stored UTC instants by local day, ISO week and month, in SQL, for every report
(tickets, satisfaction): on the database under test it counts what the Python definition counts, in
a zone without summer time and in two with it, around midnights, clock changes, month ends and the
ISO year's first week; the range's ends need not be midnights."""
from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func

from hotline import db
from hotline.sql_periods import PERIODS, local_periods, period_bounds, period_label
from tests.support.sql import statements

UTC = timezone.utc
ZONES = ("Asia/Shanghai", "America/New_York", "Europe/Berlin")


def _edges(zone: str) -> list[datetime]:
    """Instants a second either side of local midnights that matter in `zone` during 2026-27."""
    tz = ZoneInfo(zone)
    days = [(2026, 3, 8), (2026, 3, 9), (2026, 3, 29), (2026, 3, 30), (2026, 10, 25), (2026, 10, 26),
            (2026, 11, 1), (2026, 11, 2), (2026, 12, 28), (2027, 1, 1), (2027, 1, 4), (2026, 12, 1)]
    instants = []
    for y, m, d in days:
        midnight = datetime(y, m, d, tzinfo=tz).astimezone(UTC)
        instants += [midnight - timedelta(seconds=1), midnight, midnight + timedelta(seconds=1)]
    # The hour repeated or skipped by the clock change (New York, Berlin), in UTC.
    instants += [datetime(2026, 3, 8, 7, 30, tzinfo=UTC), datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
                 datetime(2026, 11, 1, 6, 30, tzinfo=UTC), datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
                 datetime(2026, 10, 25, 1, 30, tzinfo=UTC)]
    return instants


@pytest.fixture
def instants(app) -> list[datetime]:
    from hotline.models import Call

    rng = random.Random(14)
    moments = sorted({*(m for zone in ZONES for m in _edges(zone)),
                      *(datetime(2026, 2, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(400 * 86400))
                        for _ in range(300))})
    with app.app_context():
        session = db.session()
        for i, moment in enumerate(moments):
            session.add(Call(sid=f"CA{i:032d}", created_at=moment))
        session.commit()
    return moments


def _counted(app, start: datetime, end: datetime, by: str, zone: str) -> tuple[dict[str, int], list[str]]:
    """(rows per period as the database groups them, the statements it ran)."""
    from hotline.models import Call

    with app.app_context():
        session = db.session()
        grouping = local_periods(Call.created_at, start, end, by, zone, session.get_bind().dialect.name)
        query = grouping.query.add_columns(func.count()).group_by(grouping.key)
        with statements(session.get_bind()) as seen:
            rows = session.execute(query).all()
    return {label: count for label, count in rows}, [executed.sql for executed in seen]


@pytest.mark.parametrize("zone", ZONES)
def test_every_period_counts_what_the_definition_counts(app, instants, zone):
    ranges = [(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC)),
              (datetime(2026, 3, 7, 13, 17, 5, tzinfo=UTC), datetime(2026, 11, 1, 6, 0, tzinfo=UTC)),
              (datetime(2026, 12, 27, tzinfo=UTC), datetime(2027, 1, 5, 12, tzinfo=UTC))]
    for start, end in ranges:
        for by in PERIODS:
            expected = Counter(period_label(m, by, ZoneInfo(zone)) for m in instants if start <= m < end)
            counted, statements = _counted(app, start, end, by, zone)
            assert counted == dict(expected), (start, end, by)
            assert len(statements) == 1 and "GROUP BY" in statements[0]


def test_an_empty_range_counts_nothing(app, instants):
    moment = datetime(2026, 6, 1, tzinfo=UTC)
    for by in PERIODS:
        assert _counted(app, moment, moment, by, "Europe/Berlin")[0] == {}


def test_the_bounds_of_periods_across_a_clock_change():
    # Berlin's 25-hour day (25 Oct 2026) and the week and month around it, clipped to the range.
    start, end = datetime(2026, 10, 24, 12, tzinfo=UTC), datetime(2026, 11, 1, 0, tzinfo=UTC)
    assert period_bounds(start, end, "day", "Europe/Berlin")[1:3] == [
        ("2026-10-25", datetime(2026, 10, 24, 22, tzinfo=UTC), datetime(2026, 10, 25, 23, tzinfo=UTC)),
        ("2026-10-26", datetime(2026, 10, 25, 23, tzinfo=UTC), datetime(2026, 10, 26, 23, tzinfo=UTC))]
    assert period_bounds(start, end, "week", "Europe/Berlin") == [
        ("2026-W43", start, datetime(2026, 10, 25, 23, tzinfo=UTC)),
        ("2026-W44", datetime(2026, 10, 25, 23, tzinfo=UTC), end)]
    assert period_bounds(start, end, "month", "Asia/Shanghai") == [
        ("2026-10", start, datetime(2026, 10, 31, 16, tzinfo=UTC)),
        ("2026-11", datetime(2026, 10, 31, 16, tzinfo=UTC), end)]
    with pytest.raises(ValueError):
        period_bounds(start, end, "year", "Asia/Shanghai")
