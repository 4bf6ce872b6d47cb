"""The machine-readable codes of `captions`'s errors (the ``code`` of the JSON error body):
one list, so a client can rely on them and a typo cannot invent a new one."""

from enum import StrEnum


class CaptionsErrorCode(StrEnum):
    BAD_SIGNATURE = "bad_signature"
    FFMPEG_MISSING = "ffmpeg_missing"
    INVALID_ASR_TASK = "invalid_asr_task"
    INVALID_SEGMENTS = "invalid_segments"
    SHOW_NOT_FOUND = "show_not_found"
