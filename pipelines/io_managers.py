"""Step outputs on object storage, so that any step can run in any process or pod.

Dagster's default IO manager pickles each output to the local disk of the process that made
it: a step that runs in another pod (a multiprocess run whose steps land elsewhere, a
re-execution days later on a new pod) cannot read it. ``ObjectStoreIOManager`` keeps the same
pickles under one base path that every process reaches — ``s3://bucket/prefix`` in production,
any folder or fsspec URL elsewhere — through universal-pathlib, the same path abstraction the
release target uses. Configured by ``TASAPAINO_IO_BASE`` (deploy/helm/values.yaml); unset, the
code location keeps Dagster's default (local files under ``DAGSTER_HOME``).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Mapping
from typing import Any

from dagster import (
    ConfigurableIOManagerFactory,
    InputContext,
    OutputContext,
    UPathIOManager,
)

IO_BASE_ENV = "TASAPAINO_IO_BASE"


class ObjectStoreIOManager(UPathIOManager):
    """Pickles (protocol 5) under ``base_path/<asset key>`` (``…/<partition>`` when partitioned).

    Pickle keeps every output exactly as the step returned it (DataFrames with their dtypes and
    attrs, the dicts of release files); outputs live only as long as the runs that re-execute
    from them, and never leave the organisation's own bucket.
    """

    extension: str = ".pickle"

    def dump_to_path(self, context: OutputContext, obj: Any, path: Any) -> None:
        with path.open("wb") as fh:
            pickle.dump(obj, fh, protocol=5)

    def load_from_path(self, context: InputContext, path: Any) -> Any:
        with path.open("rb") as fh:
            return pickle.load(fh)


class ObjectStoreIO(ConfigurableIOManagerFactory):
    """``base_path``: a folder or a URL such as ``s3://tasapaino-dagster/io``. The S3 client
    takes its credentials and endpoint from the usual AWS environment variables
    (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_ENDPOINT_URL`` for a non-AWS
    store)."""

    base_path: str

    def create_io_manager(self, context: Any) -> ObjectStoreIOManager:
        from upath import UPath

        return ObjectStoreIOManager(base_path=UPath(self.base_path))


def io_manager_from_env(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``{"io_manager": …}`` when ``TASAPAINO_IO_BASE`` names a base path, else nothing."""
    env = os.environ if env is None else env
    base = env.get(IO_BASE_ENV, "").strip()
    return {"io_manager": ObjectStoreIO(base_path=base)} if base else {}
