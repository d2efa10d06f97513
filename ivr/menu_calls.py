"""What routing and access ask of the IVR (`hotline.contracts.MenuCalls`): calls still in the menu."""
from __future__ import annotations

import logging

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select
from twilio.twiml.voice_response import VoiceResponse

from hotline.models import Call
from ivr import live_calls
from ivr.call_steps import settle
from ivr.handover import offer_voicemail
from ivr.menu_store import get_menu
from ivr.models import IvrCall

log = logging.getLogger(__name__)


class MenuCallsAdapter:
    def settle_call(self, call_sid: str) -> None:
        """Routing settles a caller's path before queueing them, if the settle job has not yet."""
        try:
            settle(call_sid)
        except RedisError:  # the caller must still be queued; the sweep settles the path later
            log.warning("Redis unavailable; IVR steps of a call wait", exc_info=True)

    def take_message(self, language: str, category: str) -> VoiceResponse:
        """Routing asks for a message when it cannot queue a caller (Redis down, no overflow number):
        TwiML asking for one that becomes a callback ticket (see ivr.voicemail_views)."""
        tree = get_menu()
        if language not in tree.languages:
            language = current_app.config["HOTLINE_SETTINGS"].default_language
        return offer_voicemail(tree, language, category)

    def buffered_call(self, call_sid: str) -> dict | None:
        return live_calls.buffered_call(call_sid)

    def calls_in_menu(self) -> list[dict]:
        return live_calls.calls_in_menu()

    def choices(self, session, call_sids: list[str]) -> dict[str, str]:
        """The category each call chose on its way to a queue (settled rows; one query by CallSid)."""
        if not call_sids:
            return {}
        query = (select(Call.sid, IvrCall.category).join(IvrCall, IvrCall.call_id == Call.id)
                 .where(Call.sid.in_(call_sids), IvrCall.category.is_not(None)))
        return {sid: category for sid, category in session.execute(query)}
