"""Splitting text into tokens and numbering the distinct ones, at C speed (a Numba kernel).

:func:`wordvec.corpus.read_tokens` hands the pieces of a corpus file (each ending at ASCII
whitespace, as :func:`wordvec.corpus._aligned_blocks` cuts them) to a :class:`TokenScanner`,
which gives every token the index of its distinct key in order of first occurrence, and
cuts the sentences as :func:`wordvec.corpus._byte_sentences` cuts them:

- tokens are the runs of bytes between ASCII whitespace, exactly ``b" \\t\\n\\r\\x0b\\x0c"``
  (bytes 32 and 9-13, what ``bytes.split()`` splits on);
- a token's key is its first ``key_limit`` bytes (all of it when shorter), so a long token
  is held by the bytes that decide its word;
- only ``b"\\n"`` ends a line; a line is one sentence, cut every ``max_sentence`` tokens;
  an empty line makes no sentence; a line goes on into the next piece unless the piece
  ended at a newline, and ends at the end of a file (:meth:`TokenScanner.end_file`).

State (all NumPy arrays, grown in Python between pieces, so the kernel never allocates):
an open-addressing table of int32 slots (-1: empty; linear probing on FNV-1a 64-bit hashes
finalised by fmix64), kept at most half full *before* a piece could add its worst case of
new keys, the hash started from a random value per scanner; the keys' bytes one after the
other in a uint8 arena with int64 offsets, and each key's hash.

This module imports Numba when it is imported; :mod:`wordvec.corpus` imports it only inside
:func:`~wordvec.corpus.read_tokens`, so the commands that do not train never load Numba.
It imports no other module of the package.
"""
from __future__ import annotations

import os

import numpy as np
from numba import njit

__all__ = ["TokenScanner"]

#: FNV-1a, 64 bits (Fowler, Noll, Vo; http://www.isthe.com/chongo/tech/comp/fnv/).
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)

#: The 64-bit finaliser's multipliers (MurmurHash3's fmix64, Appleby): FNV-1a's low bits
#: depend only on the seed's low bits, so without it a corpus that floods one slot under
#: one seed floods a few slots under any seed that shares them (measured: 30 such tokens
#: in 2 slots of 1,024).
_MIX_1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX_2 = np.uint64(0xC4CEB9FE1A85EC53)
_SHIFT = np.uint64(33)

#: Slots of the smallest table; a power of two, as every table size is (the mask).
_MIN_SLOTS = 1 << 10

#: Indices of the scanner's counters in its ``state`` array (int64).
_DISTINCT, _USED = 0, 1


@njit(nogil=True, cache=True)
def _is_space(c) -> bool:
    """Whether byte ``c`` is ASCII whitespace as ``bytes.split()`` sees it: 32 or 9-13."""
    return c == 32 or (c >= 9 and c <= 13)


@njit(nogil=True, cache=True)
def _key_hash(buf, start, stop, seed):
    """The hash of ``buf[start:stop]`` (uint8), as uint64: FNV-1a 64-bit from the offset
    basis XOR ``seed``, then fmix64, so that every bit of the slot depends on every bit of
    the seed and of the bytes."""
    h = _FNV_OFFSET ^ seed
    for i in range(start, stop):
        h = (h ^ np.uint64(buf[i])) * _FNV_PRIME
    h = (h ^ (h >> _SHIFT)) * _MIX_1
    h = (h ^ (h >> _SHIFT)) * _MIX_2
    return h ^ (h >> _SHIFT)


@njit(nogil=True, cache=True)
def _same_key(arena, offsets, key, buf, start, length) -> bool:
    """Whether key ``key`` (bytes ``arena[offsets[key]:offsets[key + 1]]``) equals
    ``buf[start:start + length]``."""
    first = offsets[key]
    if offsets[key + 1] - first != length:
        return False
    for i in range(length):
        if arena[first + i] != buf[start + i]:
            return False
    return True


@njit(nogil=True, cache=True)
def _find_key(buf, start, length, h, table, hashes, offsets, arena):
    """The index of key ``buf[start:start + length]`` (hash ``h``), or ``-1 - slot`` for
    the free table slot where it goes: linear probing from slot ``h & (size - 1)``.

    Apart from :func:`_add_key` because, with the insertion in the same function, the
    lookup of a known key (nearly every token) ran about 4 times slower (measured)."""
    mask = table.shape[0] - 1
    slot = np.int64(h & np.uint64(mask))
    while True:
        key = table[slot]
        if key < 0:
            return -1 - slot
        if hashes[key] == h and _same_key(arena, offsets, key, buf, start, length):
            return np.int64(key)
        slot = (slot + 1) & mask


@njit(nogil=True, cache=True)
def _add_key(buf, start, length, h, slot, table, hashes, offsets, arena, state):
    """Add key ``buf[start:start + length]`` (hash ``h``) as the next index, in free table
    ``slot``; returns its index. The caller has made room in ``arena``, ``hashes`` and
    ``offsets``."""
    key = state[_DISTINCT]
    used = state[_USED]
    arena[used:used + length] = buf[start:start + length]
    hashes[key] = h
    offsets[key + 1] = used + length
    table[slot] = key
    state[_DISTINCT] = key + 1
    state[_USED] = used + length
    return key


@njit(nogil=True, cache=True)
def _scan_piece(buf, key_limit, max_sentence, line_tokens, seed, table, hashes, offsets,
                arena, state, ids, lengths):
    """Tokenise one piece and number its tokens (see the module docstring).

    buf: (n,) uint8, the piece; no token goes on past its end. ``line_tokens``: tokens of
    the current sentence carried in from earlier pieces (< ``max_sentence``). Writes the
    tokens' key indices to ``ids: (>= (n + 1) // 2,) int32`` and the lengths of the
    sentences finished in the piece to ``lengths: (>= (n + 1) // 2 + 1,) int64``.
    Returns ``(tokens written, lengths written, tokens of the sentence still open)``.
    """
    n = buf.shape[0]
    n_ids = 0
    n_lengths = 0
    count = line_tokens
    i = 0
    while i < n:
        c = buf[i]
        if _is_space(c):
            if c == 10 and count > 0:
                lengths[n_lengths] = count
                n_lengths += 1
                count = 0
            i += 1
            continue
        start = i
        while i < n and not _is_space(buf[i]):
            i += 1
        length = min(i - start, key_limit)
        h = _key_hash(buf, start, start + length, seed)
        key = _find_key(buf, start, length, h, table, hashes, offsets, arena)
        if key < 0:
            key = _add_key(buf, start, length, h, -1 - key, table, hashes, offsets, arena,
                           state)
        ids[n_ids] = key
        n_ids += 1
        count += 1
        if count == max_sentence:
            lengths[n_lengths] = count
            n_lengths += 1
            count = 0
    return n_ids, n_lengths, count


@njit(nogil=True, cache=True)
def _rehash(hashes, n_keys, table):
    """Insert keys ``0 .. n_keys - 1`` by their ``hashes`` (uint64) into the empty
    ``table`` (int32, all -1; its size a power of two)."""
    mask = table.shape[0] - 1
    for key in range(n_keys):
        slot = np.int64(hashes[key] & np.uint64(mask))
        while table[slot] >= 0:
            slot = (slot + 1) & mask
        table[slot] = key


def _grown(array: np.ndarray, needed: int) -> np.ndarray:
    """``array`` itself if it holds ``needed`` items, else a copy at least twice as long."""
    if array.shape[0] >= needed:
        return array
    bigger = np.empty(max(needed, 2 * array.shape[0]), dtype=array.dtype)
    bigger[:array.shape[0]] = array
    return bigger


class TokenScanner:
    """The distinct keys of the tokens read so far, in order of first occurrence, and the
    sentence open at the end of the last piece.

    key_limit: bytes of a token that make its key (a longer token is held by its first
        ``key_limit`` bytes). max_sentence: tokens after which a sentence is cut.
    """

    def __init__(self, key_limit: int, max_sentence: int):
        if key_limit <= 0 or max_sentence <= 0:
            raise ValueError("key_limit and max_sentence must be > 0")
        self.key_limit = key_limit
        self.max_sentence = max_sentence
        # A secret start for the hash: a corpus cannot be written so that its tokens all
        # fall in one run of the table (which would make each lookup walk them all). The
        # ids do not depend on it: they number the keys in order of first occurrence.
        self.seed = np.uint64(int.from_bytes(os.urandom(8), "little"))
        self.table = np.full(_MIN_SLOTS, -1, dtype=np.int32)
        self.hashes = np.empty(_MIN_SLOTS // 2, dtype=np.uint64)
        self.offsets = np.zeros(_MIN_SLOTS // 2 + 1, dtype=np.int64)
        self.arena = np.empty(_MIN_SLOTS, dtype=np.uint8)
        self.state = np.zeros(2, dtype=np.int64)  # [_DISTINCT, _USED]
        # One piece's output, reused: fresh arrays for each piece left the heap fragmented
        # between the id chunks the caller keeps (measured on 17M tokens: 20-30 MB more RSS).
        self.piece_ids = np.empty(0, dtype=np.int32)
        self.piece_lengths = np.empty(0, dtype=np.int64)
        self.line_tokens = 0

    @property
    def distinct(self) -> int:
        """Distinct keys held."""
        return int(self.state[_DISTINCT])

    @property
    def key_bytes(self) -> int:
        """Bytes of the distinct keys held, in all."""
        return int(self.state[_USED])

    def scan(self, piece: bytes) -> tuple[np.ndarray, np.ndarray]:
        """``(ids, lengths)`` of one piece that ends at whitespace or at the end of its file:
        ``ids: (tokens,) int32`` the key index of each token, new keys added; ``lengths:
        (S,) int64`` the sentences finished in the piece (the first may have begun in
        earlier pieces)."""
        buf = np.frombuffer(piece, dtype=np.uint8)
        most = (buf.shape[0] + 1) // 2  # tokens, hence new keys, a piece can hold
        self._reserve(most, buf.shape[0])
        n_ids, n_lengths, self.line_tokens = _scan_piece(
            buf, self.key_limit, self.max_sentence, self.line_tokens, self.seed, self.table,
            self.hashes, self.offsets, self.arena, self.state, self.piece_ids,
            self.piece_lengths)
        return self.piece_ids[:n_ids].copy(), self.piece_lengths[:n_lengths].copy()

    def end_file(self) -> np.ndarray:
        """``lengths: (0 or 1,) int64``: the sentence still open at the end of a file, which
        ends it (a sentence never spans files)."""
        open_tokens, self.line_tokens = self.line_tokens, 0
        return np.array([open_tokens] if open_tokens else [], dtype=np.int64)

    def tokens(self) -> list[bytes]:
        """The distinct keys, in order of first occurrence (index ``i`` is key ``i``)."""
        held = self.arena[:self.key_bytes].tobytes()
        ends = self.offsets[:self.distinct + 1].tolist()
        return [held[start:stop] for start, stop in zip(ends, ends[1:])]

    def _reserve(self, new_keys: int, new_bytes: int) -> None:
        """Room for a piece's output (``new_keys`` tokens at most) and for ``new_keys`` more
        keys of ``new_bytes`` bytes in all, the table kept at most half full with them
        (grown to a power of two and rehashed)."""
        keys = self.distinct + new_keys
        self.piece_ids = _grown(self.piece_ids, new_keys)
        self.piece_lengths = _grown(self.piece_lengths, new_keys + 1)
        self.hashes = _grown(self.hashes, keys)
        self.offsets = _grown(self.offsets, keys + 1)
        self.arena = _grown(self.arena, self.key_bytes + new_bytes)
        if 2 * keys > self.table.shape[0]:
            slots = 1 << (2 * keys - 1).bit_length()
            self.table = np.full(slots, -1, dtype=np.int32)
            _rehash(self.hashes, self.distinct, self.table)
