"""The Dask backend gives exactly the totals of the local backend (skipped where Dask is not installed)."""

from __future__ import annotations

import json

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

from gladiator.batch import make_spec, run  # noqa: E402
from gladiator.batch.dask_backend import dask_chunks  # noqa: E402
from gladiator.batch.stats import Totals  # noqa: E402
from gladiator.cli import main  # noqa: E402


@pytest.fixture(scope="module")
def client():
    """A small in-process Dask cluster."""
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_dask_backend_gives_the_local_totals(catalog, client) -> None:
    spec = make_spec(catalog, ("rouge", "viola"), "concert_hall", 1200, 7, ("greedy", "greedy"))
    local_rows: list = []
    local = run(spec, workers=1, on_chunk=lambda r: local_rows.append(r.rows))
    total = Totals()
    rows = []
    for res in dask_chunks(spec, list(range(spec.chunks)), 256, 2, client=client):
        total.add(res.totals)
        rows.append(res.rows)
    assert total == local
    a, b = np.concatenate(local_rows), np.concatenate(rows)
    assert np.array_equal(a[np.argsort(a["duel"])], b[np.argsort(b["duel"])])


def test_unreachable_scheduler_is_one_line_and_exit_2(capsys, monkeypatch) -> None:
    import gladiator.batch.dask_backend as backend

    monkeypatch.setattr(backend, "CONNECT_TIMEOUT", "1s")
    try:
        code = main(["batch", "rouge", "viola", "-n", "10", "--backend", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    except SystemExit as e:
        code = e.code
    err = capsys.readouterr().err
    assert code == 2
    assert "does not answer" in err and len(err.strip().splitlines()) == 1


def test_batch_command_on_a_local_dask_cluster_gives_the_local_totals(capsys) -> None:
    args = ["batch", "rouge", "viola", "-n", "700", "--seed", "3", "--json", "--workers", "1"]

    def totals(*extra: str) -> dict:
        try:
            main(args + list(extra))
        except SystemExit as e:
            assert not e.code
        d = json.loads(capsys.readouterr().out)
        return {k: d[k] for k in ("wins", "draws", "outcomes", "mean_turns", "actions", "turns_histogram")}

    assert totals("--backend", "dask") == totals()
