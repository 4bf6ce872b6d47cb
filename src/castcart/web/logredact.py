"""Keep credentials out of log lines: uvicorn logs every request's path with its query string
(``uvicorn.access``) and every WebSocket handshake (``uvicorn.error``), and some clients put a
token, ticket or secret there. The filter rewrites those values to ``[redacted]``."""

from __future__ import annotations

import logging
import re

# Query parameters whose value is a credential: bearer tokens, socket tickets, callback
# secrets, signatures, stream keys.
SENSITIVE = ("token", "access_token", "ticket", "t", "secret", "signature", "sig", "key")
_PATTERN = re.compile(
    r"(?P<lead>[?&;](?:" + "|".join(SENSITIVE) + r")=)(?P<value>[^&\s\"';]*)", re.IGNORECASE
)
LOGGERS = ("uvicorn.access", "uvicorn.error", "uvicorn")


def redact(text: str) -> str:
    return _PATTERN.sub(
        lambda m: m.group("lead") + "[redacted]" if m.group("value") else m.group(0), text
    )


class RedactCredentials(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


# Client mistakes uvicorn logs as errors with a traceback although it has already answered
# them correctly (an invalid UTF-8 text frame is closed with 1007): one warning line each,
# so a client cannot fill the error log with stack traces.
CLIENT_FAULTS = ("Invalid UTF-8 sequence received from client.",)


class QuietClientFaults(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg in CLIENT_FAULTS:
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def install() -> None:
    """Idempotent: one filter per logger however many apps a process builds."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for kind in (RedactCredentials, QuietClientFaults):
            if not any(isinstance(f, kind) for f in logger.filters):
                logger.addFilter(kind())
