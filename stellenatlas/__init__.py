"""stellenatlas: open job-market portal for Germany."""

__version__ = "0.1.0"
