"""The exchange standard as data: one contract per feed, compiled into Great Expectations suites."""
