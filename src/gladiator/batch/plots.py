"""Pictures of batch results with matplotlib (optional extra `gladiator[plots]`): a heatmap, a sweep curve.

Matplotlib is imported only inside these functions, with the file-only Agg backend.
Imports the batch statistics and `gladiator.files` only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gladiator.batch.stats import Totals
from gladiator.errors import GladiatorError
from gladiator.files import atomic_write

INSTALL_HINT = "--png needs matplotlib: pip install 'gladiator[plots]'"


def require_matplotlib() -> None:
    """Fail with one line saying how to install matplotlib when it is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise GladiatorError(INSTALL_HINT) from None


def matrix_png(path: Path, units: list[str], rates: list[list[float | None]], title: str) -> None:
    """Draw the win-rate matrix as a heatmap (row unit's win rate against the column unit)."""
    plt = _pyplot()
    import numpy as np

    m = np.array([[np.nan if v is None else v for v in row] for row in rates], dtype=float)
    fig, ax = plt.subplots(figsize=(1.2 * len(units) + 2, 1.0 * len(units) + 1.5))
    im = ax.imshow(m, vmin=0.0, vmax=1.0, cmap="RdBu_r")
    ax.set_xticks(range(len(units)), units)
    ax.set_yticks(range(len(units)), units)
    ax.set_xlabel("against")
    ax.set_ylabel("win rate of")
    for i in range(len(units)):
        for j in range(len(units)):
            if not np.isnan(m[i, j]):
                ax.text(j, i, f"{m[i, j]:.0%}", ha="center", va="center", color="white" if abs(m[i, j] - 0.5) > 0.3 else "black")
    fig.colorbar(im, ax=ax, label="win rate")
    ax.set_title(title)
    _save(fig, path)


def sweep_png(path: Path, label: str, points: list[tuple[Any, Totals]], vs: str, target: float | None = None) -> None:
    """Plot the win rate with its 95% band against the swept value."""
    plt = _pyplot()
    xs = [float(v) for v, _ in points]
    ys = [t.win_rate(0) for _, t in points]
    lo = [t.win_interval(0)[0] for _, t in points]
    hi = [t.win_interval(0)[1] for _, t in points]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.fill_between(xs, lo, hi, alpha=0.25, label="95% interval (Wilson)")
    ax.plot(xs, ys, marker="o", label="win rate")
    ax.axhline(0.5 if target is None else target, color="grey", linestyle="--", linewidth=1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(label)
    ax.set_ylabel(f"win rate against {vs}")
    ax.legend()
    _save(fig, path)


def ablation_png(path: Path, units: list[str], opponents: list[str], effects: list[Any], title: str) -> None:
    """Draw, for each unit, the change in its win rate without each option (rows) against each opponent (columns),
    in points, annotated with the 95% half-width; an `Effect` list (`gladiator.batch.ablate`) pooled over arenas."""
    plt = _pyplot()
    import numpy as np

    rows = {u: list(dict.fromkeys(e.option for e in effects if e.unit == u)) for u in units}
    units = [u for u in units if rows[u]]
    if not units:
        raise GladiatorError("--png: no option was measured: nothing to draw")
    top = max(5.0, max(abs(e.delta) * 100 for e in effects))
    fig, axes = plt.subplots(len(units), 1, squeeze=False,
                             figsize=(1.5 * len(opponents) + 3.5, sum(0.45 * len(rows[u]) + 1.1 for u in units)),
                             gridspec_kw={"height_ratios": [len(rows[u]) for u in units]})
    for ax, u in zip(axes[:, 0], units):
        m = np.full((len(rows[u]), len(opponents)), np.nan)
        half = np.full_like(m, np.nan)
        for e in effects:
            if e.unit == u and e.opponent in opponents:
                i, j = rows[u].index(e.option), opponents.index(e.opponent)
                m[i, j], half[i, j] = e.delta * 100, e.half * 100
        im = ax.imshow(m, vmin=-top, vmax=top, cmap="RdBu", aspect="auto")
        ax.set_xticks(range(len(opponents)), [f"vs {v}" for v in opponents])
        ax.set_yticks(range(len(rows[u])), [f"without {o}" for o in rows[u]])
        ax.set_title(u, loc="left", fontsize=10)
        for i in range(m.shape[0]):
            for j in range(m.shape[1]):
                if not np.isnan(m[i, j]):
                    ax.text(j, i, f"{m[i, j]:+.1f} ±{half[i, j]:.1f}", ha="center", va="center", fontsize=8,
                            color="white" if abs(m[i, j]) > 0.6 * top else "black")
        fig.colorbar(im, ax=ax, label="points", fraction=0.04)
    import textwrap

    fig.suptitle("\n".join(textwrap.wrap(title + "; red: the unit loses without the option", 70)), fontsize=9)
    _save(fig, path)


def _pyplot() -> Any:
    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: Path) -> None:
    import matplotlib.pyplot as plt

    try:
        fig.tight_layout()
        with atomic_write(path, "wb", "PNG") as f:  # a crash never leaves half a picture where one was
            fig.savefig(f, dpi=120, format="png")
    except OSError as e:
        raise GladiatorError(f"--png {path}: cannot write: {e.strerror or e}") from None
    except GladiatorError as e:
        raise GladiatorError(f"--png {e}") from None
    finally:
        plt.close(fig)
