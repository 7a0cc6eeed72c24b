"""The static zh-CN publication of one jurisdiction as of one date: pages, exports and manifest."""
