"""Events between areas (hotline.contracts): frozen dataclasses, subscribed per app, published by type."""
from dataclasses import FrozenInstanceError, fields

import pytest
from flask import Flask

from hotline import contracts
from hotline.contracts import (EVENTS, CallEnded, RecordingsListed, TicketCreated, TicketResolved, publish,
                               subscribe, unsubscribe)


def test_events_are_frozen_dataclasses_named_in_events():
    assert len(set(EVENTS)) == len(EVENTS) == 12
    for event_type in EVENTS:
        assert fields(event_type), event_type
        assert getattr(contracts, event_type.__name__) is event_type
    with pytest.raises(FrozenInstanceError):
        TicketCreated(1).ticket_id = 2  # type: ignore[misc]


def test_handlers_hear_their_event_type_only_in_subscription_order_and_results_come_back():
    app = Flask("events")
    heard: list[object] = []
    subscribe(TicketCreated, lambda event: heard.append(("first", event)) or 1, app)
    subscribe(TicketCreated, lambda event: heard.append(("second", event)) or 2, app)
    subscribe(TicketResolved, lambda event: heard.append(("resolved", event)), app)
    with app.app_context():
        assert publish(TicketCreated(7)) == [1, 2]
    assert heard == [("first", TicketCreated(7)), ("second", TicketCreated(7))]


def test_subscriptions_belong_to_their_app():
    """Two apps in one process (tests build one per test) never hear each other's events."""
    one, other = Flask("one"), Flask("other")
    heard: list[str] = []
    subscribe(CallEnded, lambda event: heard.append("one"), one)
    subscribe(CallEnded, lambda event: heard.append("other"), other)
    with other.app_context():
        publish(CallEnded("CA" + "1" * 32, "completed"))
    assert heard == ["other"]
    assert publish(CallEnded("CA" + "1" * 32, "completed"), app=one) == [None]
    assert heard == ["other", "one"]


def test_subscribing_twice_is_once_and_unsubscribe_forgets():
    app = Flask("twice")
    heard: list[int] = []

    def handler(event):
        heard.append(event.ticket_id)

    subscribe(TicketCreated, handler, app)
    subscribe(TicketCreated, handler, app)
    publish(TicketCreated(1), app)
    unsubscribe(TicketCreated, handler, app)
    unsubscribe(TicketCreated, handler, app)  # not subscribed: nothing to do
    publish(TicketCreated(2), app)
    assert heard == [1]


def test_a_failing_handler_stops_the_rest_and_reaches_the_publisher():
    app = Flask("fails")
    heard: list[str] = []

    def fails(event):
        raise RuntimeError("handler broke")

    subscribe(TicketCreated, fails, app)
    subscribe(TicketCreated, lambda event: heard.append("after"), app)
    with pytest.raises(RuntimeError, match="handler broke"):
        publish(TicketCreated(1), app)
    assert heard == []


def test_only_declared_events_are_published_or_subscribed():
    app = Flask("strangers")

    class NotAnEvent:
        pass

    with pytest.raises(TypeError, match="not an event"):
        subscribe(NotAnEvent, print, app)
    with pytest.raises(TypeError, match="not an event"):
        publish(NotAnEvent(), app)


def test_the_full_app_subscribes_recordings_to_recordings_listed(app):
    """The reconciliation sweep counts what recordings' handler returns (hotline.reconcile)."""
    with app.app_context():
        assert publish(RecordingsListed("CA" + "2" * 32, ())) == [0]
