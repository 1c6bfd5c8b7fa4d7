"""Emails, through SMTP with the standard library's smtplib (in a worker thread: it blocks)."""

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import urlencode

import anyio.to_thread
import structlog

from app.core.config import Settings

logger = structlog.get_logger(__name__)

# Seconds to wait for the SMTP server at each step.
SMTP_TIMEOUT = 10


def send_email(settings: Settings, message: EmailMessage) -> None:
    """Sends one message through SMTP_HOST. Blocking: run it in a worker thread."""
    if not settings.smtp_host:
        raise RuntimeError("SMTP_HOST is not set")
    context = ssl.create_default_context()
    if settings.smtp_ssl:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
    with smtp:
        if settings.smtp_tls and not settings.smtp_ssl:
            smtp.starttls(context=context)
        if settings.smtp_user:
            password = settings.smtp_password
            smtp.login(settings.smtp_user, password.get_secret_value() if password else "")
        smtp.send_message(message)


def password_reset_link(settings: Settings, token: str) -> str:
    return f"{settings.frontend_url.rstrip('/')}/reset-password?{urlencode({'token': token})}"


def password_reset_message(settings: Settings, email: str, token: str) -> EmailMessage:
    minutes = settings.password_reset_token_expire_minutes
    message = EmailMessage()
    message["Subject"] = "Reset your password"
    message["From"] = settings.emails_from
    message["To"] = email
    message.set_content(
        "Someone asked to reset the password of your account. If it was you, open this link "
        f"within {minutes} minutes:\n\n{password_reset_link(settings, token)}\n\n"
        "The link works once. If you did not ask for it, ignore this email.\n"
    )
    return message


async def send_password_reset(settings: Settings, email: str, token: str) -> None:
    """Emails the reset link; run after the response is sent, so that the answer takes as long
    whether or not the account exists. Failures are logged (never the token), not raised."""
    if not settings.smtp_host:
        logger.warning("email is not configured (SMTP_HOST): no password reset email sent")
        if settings.environment == "development":
            logger.info("password reset link", link=password_reset_link(settings, token))
        return
    message = password_reset_message(settings, email, token)
    try:
        await anyio.to_thread.run_sync(send_email, settings, message)
    except (OSError, smtplib.SMTPException) as error:
        logger.error("the password reset email could not be sent", error=type(error).__name__)
