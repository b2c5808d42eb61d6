"""``--scheduler`` / ``--workers`` for commands that run overlay audits: compute the pairs on a Dask cluster.

Use as the innermost decorator of a click command (just above ``def``)::

    @handle_errors
    @scale_options
    def command(...):

The options are consumed here: the command receives ``backend``, a :class:`redline.scale.Backend` when
``--scheduler`` is given (else None), and puts it in the :class:`redline.options.RunOptions` it passes to
:func:`redline.pipeline.run_audits`, so every audit's pairs table is computed partition-wise on the cluster
(``local`` starts a LocalCluster of ``--workers`` processes; ``tcp://host:8786`` connects to a running
scheduler). The cluster lives as long as the command. The results are the same as without it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

__all__ = ["scale_options"]


def scale_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, scheduler: str | None = None, workers: int = 2, partitions: int | None = None,
                **kwargs: Any) -> Any:
        if not scheduler:
            return fn(*args, backend=None, **kwargs)
        from ..scale import Backend, cluster

        with cluster(scheduler, n_workers=workers) as client:
            return fn(*args, backend=Backend(client, partitions), **kwargs)

    wrapper = click.option("--partitions", "partitions", type=click.IntRange(min=1), default=None,
                           help="Spatial partitions with --scheduler (default: 2 per worker, at least one per "
                                "25 000 features).")(wrapper)
    wrapper = click.option("--workers", "workers", type=click.IntRange(min=1), default=2, show_default=True,
                           help="Worker processes of the local Dask cluster (--scheduler local).")(wrapper)
    wrapper = click.option("--scheduler", "scheduler", metavar="local|ADDRESS", default=None,
                           help="Compute the overlays on Dask: 'local' starts a local cluster, an address such as "
                                "tcp://10.0.0.5:8786 uses a running scheduler. Same results, for layers too big "
                                "for one machine.")(wrapper)
    return wrapper
