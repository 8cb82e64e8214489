"""The ``.npz`` container: a zip of ``.npy`` members (readable by ``np.load``), written
uncompressed with fixed dates and each member's array data 64-byte aligned
(:func:`write_member`), so that a stored member can be memory-mapped read-only
(:func:`_map_member`); and a reader of ``.npz`` members that never unpickles
(:func:`read_npz_members`). It knows nothing of what the members mean.

Bounds on hostile files (nothing is allocated for what a file merely claims): a ``.npy``
member is refused before it is read when its header promises more bytes than the member can
hold — a stored member exactly its size, a deflated one at most 1100 times its compressed
size plus 1 MiB (deflate's best ratio is about 1032:1), bz2/lzma any — or than the available
memory (:func:`wordvec.memory.available_memory`).
"""
from __future__ import annotations

import io
import lzma
import math
import os
import struct
import warnings
import zipfile
import zlib

import numpy as np

from ..inputfile import open_input
from .errors import PICKLE_SNIFF, VectorFileError, _cap, _names, pickle_problem

_NPZ_ALIGN = 64                    # array data offset inside the .npz, as .npy aligns its header
_ZIP_PAD_ID = 0xD935               # extra-field id Android's zipalign uses for padding
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed member dates: saving twice gives identical bytes


def _npy_header(array):
    """The .npy header (format 1.0) of ``array``; its length is a multiple of 64."""
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, np.lib.format.header_data_from_array_1_0(array))
    return out.getvalue()


def write_member(zf, f, name, array):
    """Write ``array`` as zip member ``name``.npy, stored, with its data 64-byte aligned in the
    file: a padding record in the local header's extra field (as zipalign does) makes up the
    difference, so a memory map of the data is aligned for every dtype."""
    array = np.ascontiguousarray(array)
    header = _npy_header(array)
    info = zipfile.ZipInfo(name + ".npy", date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    # The local header zipfile writes: 30 fixed bytes, the name, our extra, then its zip64
    # record (id, size, two 8-byte sizes) since we force zip64 (members may pass 4 GiB).
    local = 30 + len(info.filename.encode("ascii")) + 20
    pad = -(f.tell() + local + len(header)) % _NPZ_ALIGN
    if pad:
        pad += _NPZ_ALIGN if pad < 4 else 0      # a record needs 4 bytes of id and size
        info.extra = struct.pack("<HH", _ZIP_PAD_ID, pad - 4) + bytes(pad - 4)
    with zf.open(info, "w", force_zip64=True) as member:
        member.write(header)
        flat = memoryview(array.reshape(-1)).cast("B") if array.size else b""
        for start in range(0, len(flat), 1 << 26):
            member.write(flat[start:start + (1 << 26)])


def _read_member_header(f, path, info):
    """(shape, fortran_order, dtype, data offset in the file, npy header bytes) of a stored
    .npy zip member, read from its local header (whose extra field may differ from the
    central directory's) and the .npy header after it."""
    f.seek(info.header_offset)
    local = f.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise VectorFileError(path, f"member {info.filename}: no zip local header here; the "
                              "file is damaged", offset=info.header_offset)
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    f.seek(start)
    shape, fortran_order, dtype = _read_npy_header(f, path, info.filename, offset=start)
    return shape, fortran_order, dtype, f.tell(), f.tell() - start


def _read_npy_header(f, path, name, offset=None, passthrough=()):
    """(shape, fortran_order, dtype) of the .npy header at ``f``'s position. Whatever numpy's
    header parser raises (ValueError, also tokenize.TokenError) becomes a VectorFileError
    naming member ``name``, except the exception types in ``passthrough``."""
    try:
        version = np.lib.format.read_magic(f)
        read = {(1, 0): np.lib.format.read_array_header_1_0,
                (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if read is None:
            raise ValueError(f"unsupported .npy version {version}")
        return read(f)
    except Exception as exc:
        if isinstance(exc, passthrough):
            raise
        raise VectorFileError(path, f"member {name} is not a readable .npy array "
                              f"({type(exc).__name__}: {exc})", offset=offset) from None


def _map_member(path, zf, f, name):
    """Member ``name`` as a read-only np.memmap into the file, or None where it is compressed
    (then it is read into memory, with a warning)."""
    info = zf.getinfo(name + ".npy")
    if info.compress_type != zipfile.ZIP_STORED:
        warnings.warn(f"{os.fspath(path)}: {info.filename} is compressed, so it is read into "
                      "memory instead of memory-mapped", stacklevel=4)
        return None
    shape, fortran_order, dtype, offset, header_bytes = _read_member_header(f, path, info)
    if dtype.hasobject:
        raise _pickle_error(path, info.filename)
    nbytes = math.prod(shape) * dtype.itemsize         # Python ints: no silent overflow
    if header_bytes + nbytes != info.file_size or offset + nbytes > os.fstat(f.fileno()).st_size:
        raise VectorFileError(path, f"member {info.filename} holds {info.file_size:,} bytes, its "
                              f"header promises {header_bytes + nbytes:,}; the file is damaged",
                              offset=offset)
    if nbytes == 0:
        return np.empty(shape, dtype=dtype)
    return np.memmap(f, dtype=dtype, mode="r", offset=offset, shape=shape,
                     order="F" if fortran_order else "C")


# What zipfile, zlib/bz2/lzma and numpy's .npy reader raise on damaged bytes (a seek to a
# negative offset, a bad CRC, an unknown compression method, an encrypted member, a bad .npy
# header, ...); the readers of .npz files report each as a VectorFileError.
_ZIP_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
               OverflowError, struct.error, NotImplementedError, RuntimeError, zlib.error,
               lzma.LZMAError, UnicodeDecodeError, KeyError)

_READ_CHUNK = 1 << 24

#: Deflate's best ratio is about 1032:1 (RFC 1951: a 258-byte match in 2 bits at most); a
#: deflated member claiming more than this many times its compressed bytes (plus 1 MiB of
#: slack for a tiny member) is damaged or hostile.
_DEFLATE_MAX_RATIO = 1100


def _check_member_size(path, zf, name, nbytes, shape, dtype):
    """VectorFileError when member ``name`` promises ``nbytes`` of array data that it cannot
    hold (a stored member holds exactly its compressed bytes; a deflated one inflates at most
    ~1032-fold) or that exceed the available memory — before anything is allocated for it."""
    from ..memory import available_memory, format_bytes

    info = zf.getinfo(name)
    held = min(info.compress_size, os.fstat(zf.fp.fileno()).st_size)   # the bytes really there
    what = f"member {name} promises an array of {nbytes:,} bytes ({dtype} {shape})"
    if info.compress_type == zipfile.ZIP_STORED and nbytes > held:
        raise VectorFileError(path, f"{what}, but it holds only {held:,} bytes; the file is "
                              "damaged or truncated")
    deflate_most = _DEFLATE_MAX_RATIO * held + (1 << 20)
    if info.compress_type == zipfile.ZIP_DEFLATED and nbytes > deflate_most:
        raise VectorFileError(path, f"{what}, more than its {held:,} deflated bytes can hold "
                              "(deflate compresses at most ~1032:1); the file is damaged or was "
                              "made to exhaust memory")
    available = available_memory()
    if available is not None and nbytes > available:
        raise VectorFileError(path, f"{what}, more than the {format_bytes(available)} of memory "
                              "available; free memory, or load a model file with mmap=True "
                              "(its matrices are then read from the file as needed)")


def _read_member(path, zf, name):
    """Zip member ``name`` (a .npy) read into memory, as a writable array.

    Unlike ``np.lib.format.read_array``, nothing is allocated for what the .npy header merely
    promises: the promise is first checked against what the member can hold and the memory
    available (:func:`_check_member_size`), then the data is read in chunks and must fill the
    shape exactly, so a damaged header claiming a huge shape fails with a VectorFileError.
    """
    with zf.open(name) as m:
        # Errors of the zip stream itself, not of the header, are reported as damage.
        shape, fortran_order, dtype = _read_npy_header(
            m, path, name, passthrough=(zipfile.BadZipFile, OSError))
        if dtype.hasobject:
            raise _pickle_error(path, name)
        nbytes = math.prod(shape) * dtype.itemsize
        _check_member_size(path, zf, name, nbytes, shape, dtype)
        data = bytearray()
        while len(data) < nbytes:
            chunk = m.read(min(nbytes - len(data), _READ_CHUNK))
            if not chunk:
                break
            data += chunk
        if len(data) != nbytes or m.read(1):            # reading to the end checks the CRC
            raise VectorFileError(path, f"member {name} holds {len(data):,} bytes of data, its "
                                  f"header promises {nbytes:,}; the file is damaged")
    if nbytes == 0:
        return np.empty(shape, dtype=dtype)
    return np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran_order else "C")


def read_npz_members(path, names, optional=(), f=None) -> dict:
    """The .npy members ``names`` (without ``.npy``) of a .npz file, and those of
    ``optional`` that it holds, read into memory as writable arrays; never unpickles, and
    allocates nothing for what a damaged header merely promises. Raises VectorFileError for
    a file that is not a zip, is truncated (its problem then says "truncated"), lacks a
    member, is damaged, or holds a member larger than the memory available
    (FileNotFoundError and the like as :func:`~wordvec.inputfile.open_input` raises them).
    ``f``: the file ``path`` names, already opened by the caller with ``open_input``;
    otherwise it is opened here. Either way the path is opened once, so what is checked is
    what is read (no FIFO or other file can be swapped in between)."""
    if f is None:
        with open_input(path) as opened:
            return _read_npz_members(path, opened, names, optional)
    return _read_npz_members(path, f, names, optional)


def _read_npz_members(path, f, names, optional) -> dict:
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as zf:
            present = set(zf.namelist())
            for name in names:
                if name + ".npy" not in present:
                    raise VectorFileError(path, f"member {name}.npy is missing (it holds "
                                          f"{_names(present)})")
            names = list(names) + [name for name in optional if name + ".npy" in present]
            return {name: _read_member(path, zf, name + ".npy") for name in names}
    except VectorFileError:
        if _zip_end_missing(f):
            raise _truncated_error(path) from None
        raise
    except _ZIP_DAMAGE as exc:
        pickled = pickle_problem(_head(f))
        if pickled:
            raise VectorFileError(path, pickled) from None
        if _zip_end_missing(f):
            raise _truncated_error(path) from None
        raise VectorFileError(path, f"the file is damaged ({type(exc).__name__}: "
                              f"{_cap(exc)})") from None


def _head(f) -> bytes:
    """The first bytes of the open file ``f``: enough to tell a pickle."""
    f.seek(0)
    return f.read(PICKLE_SNIFF)


def _zip_end_missing(f) -> bool:
    """Whether the open file ``f`` starts as a zip (a local header) but lacks the end of a
    zip: the end-of-central-directory record (22 bytes and its comment) closing the file,
    which every zip ends with. That is a file cut short (a full disk, a killed copy), not a
    foreign one."""
    try:
        f.seek(0)
        if f.read(4) != b"PK\x03\x04":
            return False
        size = f.seek(0, os.SEEK_END)
        f.seek(max(0, size - 22 - 0xFFFF))
        tail = f.read()
    except OSError:
        return False
    at = tail.rfind(b"PK\x05\x06")
    while at != -1:                 # the last record whose comment ends exactly at the end
        whole = len(tail) - at >= 22
        if whole and at + 22 + struct.unpack("<H", tail[at + 20:at + 22])[0] == len(tail):
            return False
        at = tail.rfind(b"PK\x05\x06", 0, at)
    return True


def _truncated_error(path):
    return VectorFileError(path, "the file is truncated or damaged: it starts as a zip (.npz) "
                           "archive, but its end (the zip central directory) is missing, as "
                           "when writing or copying it was cut short; write or copy it again")


def _pickle_error(path, member):
    return VectorFileError(path, f"member {member} holds Python objects (a pickle); wordvec never "
                           "loads pickles, which can run code when loaded. Load it only if you "
                           "trust its source, and save it again with save_model")
