"""HTML → plain text for posting descriptions, safely.

nh3 (the Ammonia sanitizer) first reduces the markup to a handful of harmless block tags and drops the
content of script/style; a small stdlib parser then turns what is left into text with line breaks at block
boundaries. Nothing of the input is ever rendered as HTML later: the site escapes the text again.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

_BLOCK_TAGS = {"p", "br", "li", "ul", "ol", "div", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"}
_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS and tag not in ("br", "li"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def looks_like_html(text: str) -> bool:
    return bool(_TAG_RE.search(text))


def html_to_text(value: str) -> str:
    """Plain text of an HTML fragment (or of plain text, unchanged apart from whitespace)."""
    if not value:
        return ""
    # Feeds often carry the HTML entity-escaped once more ("&lt;p&gt;…"): undo that one layer.
    if "<" not in value and re.search(r"&lt;\s*/?\s*[a-zA-Z]", value):
        value = html.unescape(value)
    if not looks_like_html(value):
        return _tidy(html.unescape(value))
    cleaned = nh3.clean(value, tags=_BLOCK_TAGS, attributes={}, strip_comments=True, link_rel=None)
    parser = _TextParser()
    parser.feed(cleaned)
    parser.close()
    return _tidy("".join(parser.parts))


def _tidy(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line in ("", "-"):
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(line)
    return "\n".join(out).strip()
