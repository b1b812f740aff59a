"""Moderation of employer postings: a risk score with reasons (risk.py)."""
