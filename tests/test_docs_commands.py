"""The sample outputs the docs print are what the commands print now: every ``` block of README.md and docs/*.md that
starts with `$ gladiator ...` is run and its output compared line by line with the doc (lines that time the run
aside). A block fenced ```text is an excerpt of a longer run (its command takes minutes) and is not run. `make docs`
(`python -m gladiator.docs`) writes what they print now in place of what the docs show."""

from __future__ import annotations

from pathlib import Path

import pytest

from gladiator.docs import TIMED, sample_docs, samples

ROOT = Path(__file__).resolve().parent.parent
DOCS = sample_docs(ROOT)
SAMPLES = [sample for doc in DOCS for sample in samples(doc)]


def test_the_docs_show_samples_of_the_main_commands() -> None:
    shown = {args[0] for _, args, _ in SAMPLES}
    assert {"duel", "batch", "ablate"} <= shown, shown


@pytest.mark.parametrize("where, args, shown", SAMPLES, ids=[w for w, _, _ in SAMPLES])
def test_a_docs_sample_prints_what_the_doc_shows(cli, where, args, shown) -> None:
    code, out, err = cli(*args)
    printed = out if code == 0 else out + err  # a sample of a refused command shows its error line
    got = [line.rstrip() for line in printed.rstrip("\n").split("\n") if not TIMED.match(line)]
    want = [line.rstrip() for line in shown if not TIMED.match(line)]
    assert got == want, where
    assert code == 0 or (code == 2 and got[-1].startswith("error: ")), (where, code)


def test_make_docs_writes_what_a_sample_prints_now_and_leaves_excerpts_and_timings(tmp_path: Path) -> None:
    from gladiator.docs import refresh_samples, run_sample

    batch = ["batch", "rouge", "viola", "-n", "20", "--bot", "greedy"]
    code, printed = run_sample(batch)
    assert code == 0 and any(TIMED.match(line) for line in printed)
    retimed = [("Throughput: 1 duels/s" if line.startswith("Throughput:") else line) for line in printed]
    fence = "```"
    (tmp_path / "docs").mkdir()
    readme = (f"# x\n\n{fence}\n$ gladiator duel rouge zed\nerror: an old message\n{fence}\n\n"
              f"{fence}text\n$ gladiator duel rouge zed\nan excerpt\n{fence}\n")
    guide = f"{fence}\n$ gladiator {' '.join(batch)}\n" + "\n".join(retimed) + f"\n{fence}\nafter\n"
    (tmp_path / "README.md").write_text(readme)
    (tmp_path / "docs" / "guide.md").write_text(guide)
    assert refresh_samples(tmp_path, report=lambda _: None) == ["README.md:4"]
    assert (tmp_path / "README.md").read_text() == readme.replace(
        "error: an old message", "error: unknown unit 'zed'; known units: jaron, nean, rouge, viola")
    assert (tmp_path / "docs" / "guide.md").read_text() == guide  # only its timing differs: left as it is
