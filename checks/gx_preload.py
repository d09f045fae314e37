"""Import Great Expectations once, in the process that step processes fork from.

The multiprocess executor's fork server imports this (pipelines/executors.py): every check
step then starts with GX already loaded (about 3 s of CPU otherwise, paid again by each of the
five check steps of a run). The code location itself never imports it.
"""

from checks.gx_runner import _gx

_gx()
