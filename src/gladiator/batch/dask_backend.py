"""The Dask backend: chunks of duels as tasks on a Dask distributed cluster (optional extra `gladiator[dask]`).

Each task plays one piece of a chunk with `run_piece`, the same function the local backend uses, so the
totals are the same for the same seed. Without `--scheduler` a local cluster is started for the
run. Imports dask.distributed lazily; the rest of the package never needs it.
"""

from __future__ import annotations

import itertools
import logging
import os
import signal
import warnings
from contextlib import contextmanager
from typing import Iterable, Iterator

from gladiator.batch.chunks import BatchSpec, ChunkResult, Piece, run_piece
from gladiator.errors import GladiatorError

CONNECT_TIMEOUT = "10s"
IN_FLIGHT = 4  # tasks a worker is given ahead: a run of any size holds constant memory
INSTALL_HINT = "the dask backend needs Dask: pip install 'gladiator[dask]'"


def dask_chunks(spec: BatchSpec, todo: Iterable[Piece], batch_size: int | None, workers: int,
                scheduler: str | None = None, client: object | None = None) -> Iterator[ChunkResult]:
    """Pieces (chunks, or parts of them) played as Dask tasks, yielded as they finish; `client` reuses an open dask Client."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise GladiatorError(INSTALL_HINT) from None
    own_client = own_cluster = None
    if client is None:
        if scheduler:
            try:
                client = own_client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as e:
                raise GladiatorError(f"--scheduler {scheduler}: the Dask scheduler does not answer ({type(e).__name__}: {e})".splitlines()[0]) from None
            except ValueError as e:
                raise GladiatorError(f"--scheduler {scheduler}: not a scheduler address ({e})".splitlines()[0]) from None
        else:
            # workers report errors only (a task cancelled by Ctrl-C is not one); they read this when they start
            os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
            with _workers_ignore_ctrl_c(), warnings.catch_warnings():  # Ctrl-C is the parent's: it closes the workers
                warnings.simplefilter("ignore", UserWarning)  # "port 8787 is in use": the cluster takes another
                own_cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                           dashboard_address=None)
            client = own_client = Client(own_cluster)
    try:
        left = iter(todo)
        first = list(itertools.islice(left, IN_FLIGHT * max(1, workers)))
        if not first:
            return
        spec_f = client.scatter(spec, broadcast=True)  # type: ignore[attr-defined]
        live = {client.submit(run_piece, spec_f, c, batch_size, pure=False) for c in first}  # type: ignore[attr-defined]
        ac = as_completed(list(live))
        try:
            for fut in ac:
                live.discard(fut)
                for c in itertools.islice(left, 1):
                    nxt = client.submit(run_piece, spec_f, c, batch_size, pure=False)  # type: ignore[attr-defined]
                    live.add(nxt)
                    ac.add(nxt)
                yield fut.result()
        finally:
            for f in live:
                f.cancel()
    except (KeyboardInterrupt, GeneratorExit):
        _quiet_logs()  # the workers' cancelled tasks and lost data are the interrupt, not news
        raise
    finally:
        if own_client is not None:
            own_client.close()
        if own_cluster is not None:
            own_cluster.close()


@contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Start processes with SIGINT ignored (they inherit it), then restore the parent's handler."""
    try:
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to change
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _quiet_logs() -> None:
    for name in ("distributed", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
