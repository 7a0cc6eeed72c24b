"""Errors users see: one sentence in Chinese with English beside it, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix (configuration, arguments, data); shown as a sentence, never a traceback."""

    def __init__(self, message_zh: str, message_en: str):
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en
