"""Every stored time is the same instant on SQLite and PostgreSQL, whatever zone it was written in.

The suite runs once per backend (SQLite by default, PostgreSQL with DATABASE_URL), so each property
here is checked on both. The oracle is Python's own arithmetic on aware datetimes.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, func, inspect, select

from hotline.db import Base, UTCDateTime
from hotline.migrate import import_all_models

# Every IANA zone the machine knows plus fixed offsets from -12:00 to +14:00 (minutes included).
ZONES = sorted(available_timezones() - {"localtime", "Factory"})
zones = st.one_of(st.sampled_from(ZONES).map(ZoneInfo),
                  st.integers(-12 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m))))
# Years a call center's data lives in; microseconds included since both backends keep them.
aware_times = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31), timezones=zones)
HYPOTHESIS = hypothesis_settings(max_examples=60, deadline=None,
                                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def datetime_columns():
    import_all_models()
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, UTCDateTime) or getattr(column.type, "python_type", None) is datetime:
                yield table, column


def test_every_datetime_column_of_every_model_is_a_utc_column():
    columns = list(datetime_columns())
    assert len(columns) > 30  # every area's timestamps, not a handful
    plain = [f"{t.name}.{c.name}" for t, c in columns if not isinstance(c.type, UTCDateTime)]
    assert plain == []


def test_the_migrated_schema_stores_every_datetime_column_with_its_zone(database_url):
    """PostgreSQL: `timestamptz`, so the database itself keeps the instant. (SQLite stores text, and
    the column type writes it as UTC; the round trips below check that.)"""
    engine = create_engine(database_url)
    try:
        inspector = inspect(engine)
        wrong = []
        for table, column in datetime_columns():
            reflected = {c["name"]: c["type"] for c in inspector.get_columns(table.name)}[column.name]
            if engine.dialect.name == "postgresql" and not getattr(reflected, "timezone", False):
                wrong.append(f"{table.name}.{column.name}: {reflected}")
    finally:
        engine.dispose()
    assert wrong == []


@pytest.fixture
def stored_times(database_url):
    """A scratch table holding one column of the type of every model's datetime column, created
    and dropped around the test so the migrated schema is left as it was."""
    engine = create_engine(database_url)
    metadata = MetaData()
    columns = [Column(f"c{i}", column.type) for i, (_, column) in enumerate(datetime_columns())]
    table = Table("scratch_stored_times", metadata, Column("id", Integer, primary_key=True), *columns)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    try:
        yield engine, table
    finally:
        metadata.drop_all(engine)
        engine.dispose()


@HYPOTHESIS
@given(moment=aware_times)
def test_every_datetime_column_gives_back_the_instant_it_was_given(stored_times, moment):
    engine, table = stored_times
    names = [c.name for c in table.columns if c.name != "id"]
    with engine.begin() as connection:
        row_id = connection.execute(table.insert().values({n: moment for n in names})).inserted_primary_key[0]
        row = connection.execute(select(*(table.c[n] for n in names)).where(table.c.id == row_id)).one()
        connection.execute(table.delete())
    # Compared in UTC: PEP 495 makes any comparison across zones with a time in a fold or gap unequal.
    instant = moment.astimezone(timezone.utc)
    for value in row:
        assert value.utcoffset() == timedelta(0)  # read back as UTC, never as the writer's clock
        assert value.replace(tzinfo=None) == instant.replace(tzinfo=None)


def test_a_shanghai_due_time_comes_back_as_the_same_instant(stored_times):
    """The issue's case: 20:00 in Shanghai is 12:00 UTC, not 20:00 UTC."""
    engine, table = stored_times
    due = datetime(2026, 12, 3, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with engine.begin() as connection:
        connection.execute(table.insert().values(c0=due))
        stored = connection.execute(select(table.c.c0)).scalar_one()
    assert stored == datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)


def test_a_naive_datetime_is_refused(stored_times):
    """Naive datetimes have no instant; guessing UTC (or the server's zone) is how times go wrong."""
    engine, table = stored_times
    with engine.begin() as connection, pytest.raises(Exception, match="naive datetime"):
        connection.execute(table.insert().values(c0=datetime(2026, 12, 3, 20, 0)))


@HYPOTHESIS
@given(moments=st.lists(st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=zones), min_size=1, max_size=12)
       | st.lists(st.datetimes(datetime(2026, 2, 28), datetime(2026, 3, 4), timezones=zones), min_size=1, max_size=12),
       zone=st.sampled_from(["Asia/Shanghai", "America/New_York", "Europe/London", "Pacific/Kiritimati",
                             "Pacific/Pago_Pago", "Asia/Kolkata"]),
       day=st.dates(date(2026, 1, 1), date(2026, 12, 31)) | st.dates(date(2026, 2, 28), date(2026, 3, 4)))
def test_a_local_day_counts_the_same_rows_as_python_does(stored_times, moments, zone, day):
    """"Today in Asia/Shanghai" (any zone, any day) is [local midnight, next local midnight), and the
    database counts exactly the rows whose instant falls in it, the bounds given in the local zone."""
    engine, table = stored_times
    start = datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))
    with engine.begin() as connection:
        connection.execute(table.insert(), [{"c0": m} for m in moments])
        counted = connection.execute(select(func.count()).select_from(table)
                                     .where(table.c.c0 >= start, table.c.c0 < end)).scalar_one()
        connection.execute(table.delete())
    utc = timezone.utc
    assert counted == sum(1 for m in moments if start.astimezone(utc) <= m.astimezone(utc) < end.astimezone(utc))
