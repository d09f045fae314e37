"""Ground layer: reference data and constants every stage stands on.

Code lists and regions (``classifications``), shared column keys (``keys``), where the bundled
data live (``paths``) and the code version stamped into releases (``version``). Nothing here
imports another project module outside ``assets.reference`` and ``assets.contracts``, so any
stage, check or publisher may import it without pulling a stage in (tests/test_layering.py).
"""
