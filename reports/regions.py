"""Which region codes a report covers: a county is itself; a city or province is itself and its descendants
once the region hierarchy (issue 20 item 3) is in the project. Until then, the exact code."""

from __future__ import annotations

import importlib
from collections.abc import Callable


def _descendants_api() -> Callable[[str], object] | None:
    """`dashboards.regions.descendants(code)` when the region hierarchy is installed, else None."""
    try:
        module = importlib.import_module("dashboards.regions")
    except ImportError:
        return None
    api = getattr(module, "descendants", None)
    return api if callable(api) else None


def _region_codes(code: str) -> list[str]:
    """The code itself and, when the hierarchy knows it, every descendant (counties of a city …), sorted.
    The one place to connect the region hierarchy: nothing else in `reports/` decides which codes a region has."""
    codes = {code}
    api = _descendants_api()
    if api is not None:
        found = api(code) or []
        codes.update(str(getattr(c, "code", c)) for c in found)  # codes, or region records with a .code
    return sorted(codes)


def region_codes(code: str) -> list[str]:
    """Public alias of `_region_codes` for the report modules and the tests."""
    return _region_codes(code)
