"""Employer-written job descriptions: a small HTML subset, cleaned with nh3 (ammonia) on save and on render."""

from __future__ import annotations

import html
import re

import nh3

TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "h3", "h4", "a"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed together with their content (not just unwrapped): their text is code or styling, never prose.
DROP_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "noscript", "svg", "math"}

_BLOCK_END = re.compile(r"</(?:p|li|h3|h4|ul|ol)>|<br\s*/?>\n?", re.IGNORECASE)
_LI = re.compile(r"<li>", re.IGNORECASE)
_LIST_START = re.compile(r"<(?:ul|ol)>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_TAG_START = re.compile(r"<[A-Za-z/!?]")
_BLANKS = re.compile(r"\n{3,}")


def clean_html(text: str) -> str:
    """The allowed subset of `text`; links get rel="nofollow noopener", no scripts, handlers or styles survive.

    Plain text (no tags) comes back HTML-escaped with its line breaks as <br>, so both kinds of input render
    the way the employer typed them."""
    if not _TAG_START.search(text):
        text = html.escape(text).replace("\r\n", "\n").replace("\n", "<br>\n")
    return nh3.clean(
        text,
        tags=TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        link_rel="nofollow noopener",
        url_schemes=URL_SCHEMES,
        strip_comments=True,
    ).strip()


def html_to_text(cleaned: str) -> str:
    """Plain text of cleaned HTML (for search, classification, JSON-LD and the JSON API): blocks become lines."""
    text = _LIST_START.sub("\n", _LI.sub("• ", cleaned))
    text = _BLOCK_END.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
