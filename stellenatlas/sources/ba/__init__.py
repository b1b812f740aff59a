"""Bundesagentur für Arbeit Jobsuche: search v6, details v4 (see client.py and docs/sources.md)."""

from stellenatlas.sources.ba.client import BaBlockedError, BaClient, BaQuery, SweepStats
from stellenatlas.sources.ba.parse import SOURCE, to_raw
from stellenatlas.sources.ba.sync import BaSyncResult, sync_ba

__all__ = [
    "SOURCE",
    "BaBlockedError",
    "BaClient",
    "BaQuery",
    "BaSyncResult",
    "SweepStats",
    "sync_ba",
    "to_raw",
]
