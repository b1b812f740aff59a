"""Job feeds from files: XML, CSV, JSON lines (see parse.py for the layouts)."""

from stellenatlas.sources.feeds.parse import FeedError, FeedResult, RowError, parse_feed, source_name
from stellenatlas.sources.feeds.sync import import_feed

__all__ = ["FeedError", "FeedResult", "RowError", "import_feed", "parse_feed", "source_name"]
