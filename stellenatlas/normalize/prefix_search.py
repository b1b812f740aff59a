"""Literal prefixes of regular expressions, and a search that jumps between them.

`re` scans fast only when a pattern starts with a literal or a plain set of first characters; one leading
`\\b`, look-behind or `\\d` branch makes it try the whole pattern at every character (~15 ns per char and
branch). `PrefixSearch` finds the places where some alternative's literal prefix occurs (one pattern of plain
literals, which `re` scans at C speed) and runs the original pattern only there. Its result is the very Match
`pattern.search(text)` returns: a match can only start where one of its alternatives' prefixes occurs, the
prefixes are read off `re`'s own parse tree, and alternatives without a usable prefix are searched on their own.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

_sre: Any = importlib.import_module("re._parser")  # re's own parser, so the prefixes follow its reading
_MAX_PREFIXES = 24
_MAX_CLASS = 8  # a character class is spelled out into prefixes up to this many characters


def _class_chars(items: Any) -> list[str] | None:
    chars: list[str] = []
    for op, av in items:
        if op is _sre.LITERAL:
            chars.append(chr(av))
        elif op is _sre.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.extend(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None  # negation, categories (\d, \w: Unicode-wide), big ranges
    return chars if len(chars) <= _MAX_CLASS else None


def prefixes_of(items: Any) -> tuple[set[str], bool]:
    """(prefixes, complete) of a parsed pattern sequence (`re._parser.parse(...)`).

    Every match of the sequence starts with one of the prefixes ("" = no usable prefix); `complete` means the
    sequence matches exactly one of them, so what follows may extend them. Zero-width items (look-arounds,
    \\b) are skipped: they consume nothing, so the literals around them stay adjacent.
    """
    out = {""}
    for op, av in items:
        if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):
            continue
        if op is _sre.LITERAL:
            out = {s + chr(av) for s in out}
            continue
        if op is _sre.IN:
            chars = _class_chars(av)
            if chars is None:
                return out, False
            sub, complete = set(chars), True
        elif op is _sre.SUBPATTERN:
            sub, complete = prefixes_of(av[-1])
        elif op is _sre.BRANCH:
            sub, complete = set(), True
            for branch in av[1]:
                b_sub, b_complete = prefixes_of(branch)
                sub |= b_sub
                complete = complete and b_complete
        else:
            return out, False
        out = {s + x for s in out for x in sub}
        if not complete or len(out) > _MAX_PREFIXES:
            return out, False
    return out, True


def pattern_prefixes(pattern: re.Pattern[str]) -> set[str]:
    """Literal prefixes one of which every match of `pattern` starts with; {""} part when there are none."""
    return prefixes_of(_sre.parse(pattern.pattern, pattern.flags))[0]


def split_alternatives(source: str) -> list[str]:
    """Top-level `|` alternatives of a pattern source (escapes, classes and groups respected)."""
    out: list[str] = []
    depth = 0
    start = 0
    in_class = False
    i = 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            if source[i + 1 : i + 2] == "^":
                i += 1
            if source[i + 1 : i + 2] == "]":  # a leading "]" is literal
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(source[start:i])
            start = i + 1
        i += 1
    out.append(source[start:])
    return out


class PrefixSearch:
    """Drop-in for `pattern.search(text)` that only tries the pattern where a literal prefix occurs."""

    __slots__ = ("pattern", "finder", "rest")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        literals: set[str] = set()
        rest: list[re.Pattern[str]] = []
        for alt in split_alternatives(pattern.pattern):
            compiled = re.compile(alt, pattern.flags)
            found = pattern_prefixes(compiled)
            if "" in found:
                rest.append(compiled)  # searched on its own; re scans it well when it starts with a class
            else:
                literals |= found
        # Longest first only keeps the alternation tidy: every start position is visited anyway (see search).
        ordered = sorted(literals, key=lambda s: (-len(s), s))
        self.finder = re.compile("|".join(map(re.escape, ordered)), pattern.flags) if ordered else None
        self.rest = tuple(rest)

    def search(self, text: str) -> re.Match[str] | None:
        first: int | None = None  # leftmost match of the alternatives without a prefix
        for r in self.rest:
            m = r.search(text)
            if m is not None and (first is None or m.start() < first):
                first = m.start()
        if self.finder is not None:
            limit = len(text) if first is None else first
            hit = self.finder.search(text)
            while hit is not None and hit.start() < limit:
                m = self.pattern.match(text, hit.start())
                if m is not None:
                    return m
                # from one past the start, not the end: a shorter prefix may begin inside this one
                hit = self.finder.search(text, hit.start() + 1)
        return None if first is None else self.pattern.match(text, first)
