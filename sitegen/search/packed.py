"""Lists of small non-negative integers as short ASCII text, for the search index's positions.

A phrase's positions are most of the index's bytes when written as JSON numbers (about 2.8 bytes
each with the comma). Here each number is written in base 32, most significant digit first, one
character per digit: the 32 characters `0`-`9`, `A`-`V` are a number's last digit, the 32
characters `W`-`Z`, `a`-`z`, `-`, `_` any digit before it. A number under 32 takes one character,
under 1,024 two: the positions of a chunk take about half the bytes of the JSON numbers. Every
character is plain JSON string text (no escape, no `<`, `>` or `&`). static/search-core.js
`unpack` reads it back.
"""

from __future__ import annotations

import string

import numpy as np

DIGITS = string.digits + string.ascii_uppercase + string.ascii_lowercase + "-_"
BASE = 32  # DIGITS[:BASE] end a number, DIGITS[BASE:] continue it
_DIGIT_BYTES = np.frombuffer(DIGITS.encode("ascii"), dtype=np.uint8)
_MAX_DIGITS = 13  # an int64 has at most 63 bits: 13 digits of 5 bits


def pack(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Every value's digits, one after the other, and where each value's start: value i is
    `text[offsets[i]:offsets[i + 1]]` (so a run of values is one slice). Vectorised: a chunk's
    positions are some 15 million numbers, packed PACK_BLOCK at a time so that the arrays made
    on the way stay small (all at once, they were the search index stage's peak memory)."""
    numbers = np.asarray(values, dtype=np.int64)
    if numbers.size and int(numbers.min()) < 0:
        raise ValueError("packed lists hold non-negative integers only")
    texts: list[bytes] = []
    ends = np.empty(len(numbers), dtype=np.int64)
    written = 0
    for start in range(0, len(numbers), PACK_BLOCK):  # bounded: the values' count over PACK_BLOCK
        text, block_ends = _pack_block(numbers[start : start + PACK_BLOCK])
        ends[start : start + len(block_ends)] = block_ends + written
        written += len(text)
        texts.append(text)
    return b"".join(texts), np.r_[0, ends]


PACK_BLOCK = 1 << 20


def _pack_block(numbers: np.ndarray) -> tuple[bytes, np.ndarray]:
    """`pack` of some non-negative int64 numbers: their text, and where each number's ends."""
    digits = np.ones(len(numbers), dtype=np.int64)
    rest = numbers >> 5
    for _ in range(_MAX_DIGITS):  # bounded: each round drops 5 bits
        if not rest.any():
            break
        digits += rest > 0
        rest >>= 5
    ends = np.cumsum(digits)
    starts = ends - digits
    text = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    for place in range(int(digits.max(initial=0))):  # the place-th digit from the left
        has = digits > place
        left = digits[has] - 1 - place  # digits after this one
        digit = (numbers[has] >> (5 * left)) & (BASE - 1)
        text[starts[has] + place] = _DIGIT_BYTES[digit + np.where(left > 0, BASE, 0)]
    return text.tobytes(), ends


def unpack(text: str) -> list[int]:
    """The numbers of `text` (as search-core.js reads them; for tests and tools)."""
    numbers: list[int] = []
    value, pending = 0, False
    for char in text:
        digit = DIGITS.index(char)
        if digit >= BASE:
            value, pending = value * BASE + digit - BASE, True
        else:
            numbers.append(value * BASE + digit)
            value, pending = 0, False
    if pending:
        raise ValueError("packed list ends inside a number")
    return numbers
