"""Keep the bot token out of every log line, whatever logs it (a URL, an exception, a library)."""
from __future__ import annotations

import logging
import re
import sys
import traceback
from types import TracebackType

REDACTED = "[token redacted]"
# Interaction tokens ride in URLs (`/interactions/<id>/<token>/callback`, `/webhooks/<app>/<token>`),
# which discord.py logs at DEBUG: each lets anyone answer as the bot for 15 minutes.
_INTERACTION_TOKEN = re.compile(r"(/(?:interactions|webhooks)/\d+/)[^/\s?'\"]+")


class TokenRedactor(logging.Filter):
    """Replaces each secret in a record's final text; attached to every handler of the root logger."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        message = self.redact(message)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        record.msg, record.args = message, None
        return True

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return _INTERACTION_TOKEN.sub(rf"\1{REDACTED}", text)


def protect_logs(*secrets: str) -> TokenRedactor:
    """Install the redactor on every handler of the root logger (and return it)."""
    redactor = TokenRedactor(list(secrets))
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO)
    for handler in root.handlers:
        handler.addFilter(redactor)

    def print_redacted(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        # A traceback that escapes to the interpreter goes to stderr without logging's filters.
        sys.stderr.write(redactor.redact("".join(traceback.format_exception(kind, error, trace))))

    sys.excepthook = print_redacted
    return redactor
