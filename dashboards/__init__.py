"""Plotly dashboards and Excel exports (see the publishing issue)."""
