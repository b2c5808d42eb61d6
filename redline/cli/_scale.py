"""``--scheduler`` / ``--workers`` for commands that run overlay audits: compute the pairs on a Dask cluster.

Use as the innermost decorator of a click command (just above ``def``)::

    @handle_errors
    @scale_options
    def command(...):

The options are consumed here (the command never sees them): when ``--scheduler`` is given, the command body
runs inside :func:`redline.scale.use_backend`, so every audit's pairs table is computed partition-wise on the
cluster (``local`` starts a LocalCluster of ``--workers`` processes; ``tcp://host:8786`` connects to a running
scheduler). The results are the same as without it.
"""

from __future__ import annotations

import functools

import click

__all__ = ["scale_options"]


def scale_options(fn):
    @functools.wraps(fn)
    def wrapper(*args, scheduler=None, workers=2, partitions=None, **kwargs):
        if not scheduler:
            return fn(*args, **kwargs)
        from ..scale import Backend, cluster, use_backend

        with cluster(scheduler, n_workers=workers) as client, use_backend(Backend(client, partitions)):
            return fn(*args, **kwargs)

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
