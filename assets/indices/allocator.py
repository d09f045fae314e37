"""Keep freed memory in a compute process for reuse instead of handing it back to the kernel.

Every numpy temporary is a fresh allocation. glibc gives blocks above its mmap threshold (128 KiB
at start, raised as blocks are freed) back to the kernel when freed, and trims the heap top, so
the next temporary of the same size faults its pages in again, zero-filled. On the virtual
machines we run on a page fault costs microseconds: the bootstrap workers of
``segregation_indices`` spent about half their index time in faults of 1 MB temporaries
(benchmarks/RESULTS.md, "Page faults"). Serving blocks up to 32 MiB from the heap and never
trimming it makes those temporaries reuse warm pages.

Only for short-lived compute processes (the pool workers): the process keeps its peak heap until
it exits, which a long-running server should not.
"""

from __future__ import annotations

import ctypes

# glibc's mallopt parameter numbers (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# The largest mmap threshold glibc accepts on 64-bit systems (HEAP_MAX_SIZE / 2).
MMAP_THRESHOLD = 32 << 20
# Free memory at the heap top kept before trimming (mallopt takes an int): 2 GiB, more than a
# worker ever frees at once.
TRIM_THRESHOLD = 2**31 - 1


def keep_freed_memory() -> bool:
    """Tune glibc's allocator for this process; False (nothing changed) on another C library."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
