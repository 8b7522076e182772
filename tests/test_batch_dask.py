"""The Dask backend gives exactly the totals of the local backend (skipped where Dask is not installed)."""

from __future__ import annotations

import json

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

from gladiator.batch import make_spec, run  # noqa: E402
from gladiator.batch.chunks import Piece  # noqa: E402
from gladiator.batch.dask_backend import dask_chunks  # noqa: E402
from gladiator.batch.stats import Totals  # noqa: E402
from gladiator.cli import main  # noqa: E402
from conftest import terminal_sigint  # noqa: E402


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
    whole = [Piece(c, *spec.chunk_range(c)) for c in range(spec.chunks)]
    for res in dask_chunks(spec, whole, 256, 2, client=client):
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


def test_ctrl_c_with_the_dask_backend_is_one_line_and_keeps_what_finished(tmp_path) -> None:
    """SIGINT to the whole process group (what a terminal's Ctrl-C sends): no worker tracebacks, exit 130."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    src = str(Path(__file__).resolve().parent.parent / "src")
    p = subprocess.Popen([sys.executable, "-m", "gladiator", "matrix", "rouge", "viola", "jaron", "-n", "4000",
                          "--bot", "random", "-w", "2", "--backend", "dask"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=src),
                         start_new_session=True, preexec_fn=terminal_sigint)
    try:
        time.sleep(6)  # the cluster is up and the first pairing is being played
        os.killpg(p.pid, signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    if p.returncode == 0:
        pytest.skip("the matrix finished before the interrupt")
    assert p.returncode == 130, err.decode()
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interrupted: "), err.decode()
    assert "Win rate of row against column" in out.decode()
