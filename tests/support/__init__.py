"""What tests of every area share: one TwiML reader (`twiml`), one caller driver (`callers`), one set
of factories (`factories`), process and port helpers (`processes`), the statements a block ran and their
PostgreSQL plans (`sql`), the Debian tools check (`system_tools`) and one database and Redis per
pytest-xdist worker (`parallel`).

Fixtures stay in tests/conftest.py (and the areas' conftests); these are the plain helpers behind them.
"""
