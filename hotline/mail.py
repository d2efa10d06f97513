"""Sending one e-mail through the operator's SMTP server (SMTP_* settings), with the standard library.

The transport only: what is sent, to whom, and what happens when it fails belong to the caller
(tickets/department_mail.py keeps each message on its ticket and retries from an RQ job).
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from hotline.settings import Settings

# What a refusing or unreachable server raises: worth another attempt later.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def mail_configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def send_mail(settings: Settings, to: str, subject: str, body: str) -> str:
    """Send a plain-text UTF-8 message; returns its Message-ID. Raises one of MAIL_ERRORS on failure."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2])
    message.set_content(body)
    if settings.smtp_tls == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port,
                                                timeout=settings.smtp_timeout_seconds,
                                                context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds)
    with server:
        if settings.smtp_tls == "starttls":
            server.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password)
        server.send_message(message)
    return message["Message-ID"]
