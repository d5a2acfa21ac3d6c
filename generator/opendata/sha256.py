"""SHA-256 whose state can be saved and resumed, for the open data files (see chunks.py).

hashlib's objects can be copied but not saved, so the state is kept through OpenSSL's own
SHA256_Init/Update/Final and its SHA256_CTX (ctypes), checked once at import against
hashlib; where that API is missing ``Hasher`` is plain hashlib and nothing is resumed (the
digests are the same, only more bytes are hashed). Libraries that offer this were looked
at and not used: ``rehash`` reads the private object layout of CPython's hashlib (its
struct offsets are bisected per CPython version; last release 2022), and
``resumablesha256`` is a single-release extension with a portable C SHA-256 instead of
OpenSSL's. Both would add a compiled or layout-bound dependency for 90 lines that fall
back safely.
"""

from __future__ import annotations

import ctypes
import hashlib
import mmap

import numpy as np

Buffer = bytes | bytearray | memoryview | mmap.mmap


def _libcrypto() -> ctypes.CDLL | None:
    try:
        lib = ctypes.CDLL("libcrypto.so.3")
        for name in ("SHA256_Init", "SHA256_Update", "SHA256_Final"):
            getattr(lib, name).restype = ctypes.c_int
        lib.SHA256_Update.argtypes = (ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)
        lib.SHA256_Final.argtypes = (ctypes.c_void_p, ctypes.c_void_p)
        lib.SHA256_Init.argtypes = (ctypes.c_void_p,)
        return lib
    except (OSError, AttributeError):
        return None


#: sizeof(SHA256_CTX): h[8], Nl, Nh, data[16], num, md_len (32-bit each).
_CTX = 112
_LIB = _libcrypto()


class Sha256:
    """SHA-256 whose state can be saved and resumed (hashlib's cannot)."""

    def __init__(self, state: bytes | None = None) -> None:
        if _LIB is None:
            raise OSError("OpenSSL 的 SHA256 函数不可用")
        self._lib = _LIB
        self._ctx = ctypes.create_string_buffer(_CTX + 16)
        if state is not None:
            ctypes.memmove(self._ctx, state, _CTX)
        else:
            self._lib.SHA256_Init(self._ctx)

    def update(self, data: Buffer) -> None:
        """Hash ``data`` (bytes, bytearray, mmap or memoryview)."""
        array = np.frombuffer(data, dtype=np.uint8)
        if len(array):
            self._lib.SHA256_Update(self._ctx, array.ctypes.data, len(array))
        del array

    def state(self) -> bytes | None:
        """The state to resume from."""
        return self._ctx.raw[:_CTX]

    def hexdigest(self) -> str:
        """The digest of the bytes so far (the state is left as it is)."""
        ctx = ctypes.create_string_buffer(self._ctx.raw)
        out = ctypes.create_string_buffer(32)
        self._lib.SHA256_Final(out, ctx)
        return out.raw.hex()


class _PlainSha:
    """hashlib's SHA-256, when OpenSSL's low-level API is missing: no states to keep."""

    def __init__(self, state: bytes | None = None) -> None:
        self._sha = hashlib.sha256()

    def update(self, data: Buffer) -> None:
        self._sha.update(data)

    def state(self) -> bytes | None:
        return None

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def _resumable() -> bool:
    """Whether Sha256 works here and gives hashlib's digests after a resume."""
    if _LIB is None:
        return False
    data = bytes(range(256)) * 40
    try:
        first = Sha256()
        first.update(data[:1000])
        again = Sha256(first.state())
        again.update(memoryview(data)[1000:])
        return again.hexdigest() == hashlib.sha256(data).hexdigest()
    except (OSError, ValueError, TypeError, AttributeError):
        return False


#: Either hasher: the same methods, only Sha256 gives states to resume from.
HashState = Sha256 | _PlainSha
Hasher: type[Sha256] | type[_PlainSha] = Sha256 if _resumable() else _PlainSha
