"""Outgoing mail over SMTP, or kept in the local outbox without MAIL_SERVER.

This module only delivers; queueing a message until the transaction commits is the task
queue's (`app.tasks.send_mail`), which calls down into it.
"""

from __future__ import annotations

import json
import smtplib
from email.message import EmailMessage

from flask import current_app

from app.extensions import db
from app.models import OutboxMessage


def deliver(recipient: str, subject: str, body: str, headers: dict) -> None:
    """Hand one message to the SMTP server, or keep it in the outbox."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        db.session.add(OutboxMessage(recipient=recipient, subject=subject, body=body,
                                     headers=json.dumps(headers)))
        db.session.commit()
        return
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = recipient
    message["Subject"] = subject
    for name, value in headers.items():
        message[name] = value
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
