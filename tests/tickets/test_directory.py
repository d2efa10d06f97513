"""The caller directory: the greeting's facts about a number, copied to Redis on every committed
change and rebuilt from the customers table when the copy is missing."""
from __future__ import annotations

import redis as redis_lib
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import delete, select, text

from hotline import db
from hotline.contracts import CallerDirectory, need
from hotline.redis_client import get_redis
from tickets import directory
from tickets.cases import customer_for_phone
from tickets.directory import READY_KEY, CallerFacts, keep_fresh, lookup, rebuild
from tickets.models import Customer


def add(session, phone: str, **fields) -> Customer:
    customer = Customer(phone=phone, **fields)
    session.add(customer)
    session.commit()
    return customer


def test_without_a_complete_copy_lookups_read_the_database(app):
    with app.app_context():
        add(db.session(), "+8613900139000", surname="王", title="ms", language="zh-CN")
        get_redis().delete(directory.KEY.format(phone="+8613900139000"))  # as if never copied
        assert get_redis().get(READY_KEY) is None
        assert lookup("+8613900139000") == CallerFacts("zh-CN", "ms", "王")
        assert lookup("+8613900139001") is None


def test_after_a_rebuild_lookups_are_answered_by_redis_alone(app):
    with app.app_context():
        session = db.session()
        add(session, "+8613900139000", surname="王", title="ms", language="zh-CN")
        add(session, "+14155550100", surname="Smith", title="mr", language="en-US")
        assert rebuild() == 2
        # Gone from the table behind the ORM's back: the copy still answers, proving it is the copy.
        session.execute(text("DELETE FROM customers"))
        session.commit()
        assert lookup("+14155550100") == CallerFacts("en-US", "mr", "Smith")
        assert lookup("+8613800138000") is None  # unknown numbers are known to be unknown
        assert rebuild() == 0
        assert lookup("+14155550100") is None  # a rebuild removes numbers no longer in the table


def test_committed_changes_reach_the_copy_and_rolled_back_ones_do_not(app):
    with app.app_context():
        rebuild()
        session = db.session()
        customer = add(session, "+8613900139000", language="zh-CN")
        assert lookup("+8613900139000") == CallerFacts("zh-CN", None, None)
        customer.surname, customer.title = "王", "ms"
        session.commit()
        assert lookup("+8613900139000") == CallerFacts("zh-CN", "ms", "王")
        customer.language = "en-US"
        session.flush()
        session.rollback()
        assert lookup("+8613900139000") == CallerFacts("zh-CN", "ms", "王")
        customer = session.scalars(select(Customer)).one()
        customer.phone = "+8613900139999"
        session.commit()
        assert lookup("+8613900139000") is None
        assert lookup("+8613900139999") == CallerFacts("zh-CN", "ms", "王")
        session.delete(customer)
        session.commit()
        assert lookup("+8613900139999") is None


def test_a_customer_created_on_first_contact_is_copied(app):
    with app.app_context():
        rebuild()
        session = db.session()
        customer_for_phone(session, "+8613900139000", "en-US")
        assert lookup("+8613900139000") is None  # not before the commit
        session.commit()
        assert lookup("+8613900139000") == CallerFacts("en-US", None, None)


def test_an_older_copy_never_overwrites_a_newer_one(app, clock):
    """A rebuild that read a row just before an agent's edit must not undo the edit in Redis."""
    with app.app_context():
        rebuild()
        session = db.session()
        customer = add(session, "+8613900139000", language="zh-CN")
        stale = directory._entry(customer)
        clock.advance(5)
        customer.surname = "王"
        session.commit()
        pipe = get_redis().pipeline()
        directory._put(pipe, "+8613900139000", stale)
        pipe.execute()
        assert lookup("+8613900139000").surname == "王"


def test_the_periodic_job_rebuilds_a_missing_or_day_old_copy(app, clock):
    names = [job.name for job in app.extensions["hotline.periodic"]]
    assert "tickets.directory" in names
    with app.app_context():
        add(db.session(), "+8613900139000", language="zh-CN")
        assert keep_fresh() == 1
        assert keep_fresh() is None  # fresh: nothing to do
        clock.advance(24 * 3600 + 1)
        assert keep_fresh() == 1


def test_a_redis_outage_at_commit_keeps_the_customer(app):
    with app.app_context():
        rebuild()
        working = app.extensions["hotline.redis"]
        app.extensions["hotline.redis"] = redis_lib.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2,
                                                          retry=Retry(NoBackoff(), 0))
        try:
            session = db.session()
            add(session, "+8613900139000", language="en-US")  # commits despite Redis
            assert lookup("+8613900139000") == CallerFacts("en-US", None, None)  # from the database
        finally:
            app.extensions["hotline.redis"] = working
        session.execute(delete(Customer))
        session.commit()


def test_the_rebuild_command(app, runner):
    with app.app_context():
        add(db.session(), "+8613900139000", language="zh-CN")
    result = runner.invoke(args=["tickets", "rebuild-directory"])
    assert result.exit_code == 0 and "1 customers" in result.output
    with app.app_context():
        assert get_redis().get(READY_KEY) is not None


def test_the_copy_carries_the_vip_flag_routing_reads(app):
    with app.app_context():
        session = db.session()
        customer = add(session, "+8613900139000", surname="王", title="ms", language="zh-CN")
        customer.vip = True
        session.commit()
        rebuild()
        session.execute(text("DELETE FROM customers"))  # the copy alone answers from here
        session.commit()
        assert lookup("+8613900139000") == CallerFacts("zh-CN", "ms", "王", vip=True)
        assert need(CallerDirectory).facts("+8613900139000").vip is True
