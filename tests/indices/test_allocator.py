"""The pool workers' allocator tuning: freed temporaries are reused instead of faulting anew."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# A worker's pattern: a few 1 MB temporaries alive at once, all freed, again and again (256 pages
# each). Without the tuning glibc trims the freed heap top and every round faults them in anew.
_PROGRAM = textwrap.dedent(
    """
    import resource, sys
    import numpy as np
    from assets.indices import allocator
    tuned = sys.argv[1] == "tuned" and allocator.keep_freed_memory()
    x = np.ones(1 << 17)
    def step():
        a = x * 2.0
        b = a + x
        c = np.cumsum(b) - a
        return (a * c - b).sum()
    for _ in range(5):
        step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(100):
        step()
    print(tuned, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    """
)


def _faults(mode: str) -> tuple[bool, int]:
    out = subprocess.run(
        [sys.executable, "-c", _PROGRAM, mode], capture_output=True, text=True, check=True
    ).stdout.split()
    return out[0] == "True", int(out[1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_freed_temporaries_are_reused_without_page_faults():
    tuned, faults = _faults("tuned")
    assert tuned, "mallopt refused the settings"
    # 100 rounds of four 256-page temporaries: without reuse about 100 000 faults (the untuned
    # control below); with it, almost none.
    assert faults < 100 * 4 * 256 // 20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_the_untuned_pattern_does_fault():
    # The control: without this the test above could pass with no tuning at all.
    tuned, faults = _faults("plain")
    assert not tuned
    assert faults > 100 * 256
