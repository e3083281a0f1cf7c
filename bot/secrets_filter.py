"""Keep the bot token out of every log line, whatever logs it (a URL, an exception, a library)."""
from __future__ import annotations

import logging

REDACTED = "[token redacted]"


class TokenRedactor(logging.Filter):
    """Replaces each secret in a record's final text; attached to every handler of the root logger."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self.secrets:
            message = message.replace(secret, REDACTED)
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, REDACTED)
        record.msg, record.args = message, None
        return True


def protect_logs(*secrets: str) -> TokenRedactor:
    """Install the redactor on every handler of the root logger (and return it)."""
    redactor = TokenRedactor(list(secrets))
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO)
    for handler in root.handlers:
        handler.addFilter(redactor)
    return redactor
