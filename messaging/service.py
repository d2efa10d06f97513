"""What other areas ask of messaging (`hotline.contracts.Messaging`), registered by its init_app."""
from __future__ import annotations

from messaging import areas, consent, outbox, pacing


class MessagingService:
    send_sms = staticmethod(outbox.send_sms)
    register = staticmethod(areas.register)
    is_opted_out = staticmethod(consent.is_opted_out)
    may_contact = staticmethod(consent.may_contact)
    outbound_bucket = staticmethod(pacing.outbound_bucket)
