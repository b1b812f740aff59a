"""Employer accounts (issue 7): passwords, tokens, sanitizing and validating the posting form."""
