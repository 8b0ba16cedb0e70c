"""Random choices as deterministic hashes of row numbers, in SQL and in Python, and which
calls made a request.
"""

from __future__ import annotations

import random

_P = 2_147_483_647  # 2**31 - 1: squares of residues fit in SQLite's 64-bit integers


class _S:
    """Salts of the hashes. Each hash gives a few independent choices through its digits."""

    CALL_A, CALL_B, CALL_C, CALL_D = 1, 2, 3, 4
    CALLER_NOISE, BLOCK = 6, 19
    CALLER_A, CALLER_B, CALLER_C, CALLER_D, CALLER_E = 7, 8, 9, 10, 11
    REQ_A, REQ_B, REQ_C, REQ_D, CAT = 12, 13, 14, 15, 16
    LOC_A, LOC_B = 17, 18


def _h(column: str, salt: int) -> str:
    """A deterministic hash of an integer expression, in 0.._P-1 (nonlinear: a square).

    The expression is evaluated twice: hash columns, not long expressions (see `_Statements._layer`).
    """
    t = f"((({column}) * {69621 + 2 * salt} + {salt * 7919 + 12345}) % {_P})"
    return f"(({t} * {t} + {salt}) % {_P})"


def _hash(value: int, salt: int) -> int:
    """`_h` computed in Python, for the counters the plan needs."""
    t = (value * (69621 + 2 * salt) + salt * 7919 + 12345) % _P
    return (t * t + salt) % _P


def _digits(hashed: str, below: int, modulo: int) -> str:
    """A choice in 0..modulo-1 taken from the digits of a hash above `below`."""
    return f"({hashed} / {below} % {modulo})" if below > 1 else f"({hashed} % {modulo})"


def _fmt(seconds: str, micro: str) -> str:
    """Epoch seconds as SQLAlchemy stores a naive UTC datetime: 'YYYY-MM-DD HH:MM:SS.ffffff'."""
    return f"(datetime({seconds}, 'unixepoch') || '.' || {micro})"


def _noise_range(part: int, calls: int) -> int:
    """Noise added to k * part so that (k * part + noise) / calls still grows by 0 or 1 at
    each call: below part + 1 (it never decreases) and calls - part + 1 (never jumps by 2)."""
    return max(1, min(part, calls - part + 1))


def _before(k: str, part: int, calls: int, salt: int) -> str:
    """How many of `part` events (requests, first calls of a caller) happened among the first
    `k` calls: k * part / calls give or take one, so that they are spread without a pattern."""
    noise = f"{_h(k, salt)} % {_noise_range(part, calls)}"
    return f"((({k}) * {part} + {noise}) / {max(1, calls)})"


_BLOCK = 16  # calls per block; requests take a pattern of slots in each
_VARIANTS = 32  # patterns per number of requests in a block (0: the first slots)


def _patterns(seed: int) -> dict[tuple[int, int], list[int]]:
    """(requests in the block, variant) -> the sorted slots of the requests."""
    rng = random.Random(seed + 13)
    patterns = {}
    for m in range(_BLOCK + 1):
        patterns[(m, 0)] = list(range(m))
        for v in range(1, _VARIANTS):
            patterns[(m, v)] = sorted(rng.sample(range(_BLOCK), m))
    return patterns


class _RequestCalls:
    """Which calls made a request: exactly R of the T calls, in blocks of _BLOCK calls that
    each hold their share of requests (k * R / T) on slots chosen by a pattern; both ways are
    closed forms (call k -> request r, request r -> call k), here and in SQL (`_Statements._block`)."""

    def __init__(self, requests: int, calls: int, seed: int) -> None:
        self.R, self.T = requests, max(1, calls)
        self.patterns = _patterns(seed)

    def block(self, b: int) -> tuple[int, int, int]:
        """(requests before the block, requests in it, its variant)."""
        base = _BLOCK * b * self.R // self.T
        end = min(_BLOCK * b + _BLOCK, self.T)
        variant = 0 if _BLOCK * b + _BLOCK > self.T else 1 + _hash(b, _S.BLOCK) % (_VARIANTS - 1)
        return base, end * self.R // self.T - base, variant

    def before(self, k: int) -> int:
        """How many of the first k calls made a request."""
        base, m, variant = self.block(k // _BLOCK)
        return base + sum(1 for slot in self.patterns[(m, variant)] if slot < k % _BLOCK)

    def is_request(self, k: int) -> bool:
        base, m, variant = self.block(k // _BLOCK)
        return k % _BLOCK in self.patterns[(m, variant)]


def _anonymous_per_mille(requests: int, calls: int, callers: int, seed: int) -> int:
    """Share (per mille) of anonymous calls among the request calls that are not a caller's
    first call (a first call is never anonymous), so that about 5 % of the requests are: the
    share of first calls among request calls is measured on a sample of the same hashes."""
    if not requests:
        return 0

    def before(k: int, part: int, salt: int) -> int:
        return (k * part + _hash(k, salt) % _noise_range(part, calls)) // calls

    request_calls = first_calls = 0
    request_calls_of = _RequestCalls(requests, calls, seed)
    sample = min(calls, 20_000)
    for i in range(sample):
        k = i * calls // sample
        if request_calls_of.is_request(k):
            request_calls += 1
            if before(k + 1, callers, _S.CALLER_NOISE) > before(k, callers, _S.CALLER_NOISE):
                first_calls += 1
    not_first = 1 - first_calls / max(1, request_calls)
    return min(500, round(50 / max(0.1, not_first)))
