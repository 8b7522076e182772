"""Make the docs' pictures and samples (`python -m gladiator.docs`), or with --check say which pictures are stale."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional

from gladiator.docs import OUT, SCENES, SLOW, DocsError, make, make_slow, refresh_samples, stale


def main(argv: Optional[list[str]] = None) -> int:
    """Make the pictures (or, with --check, say which are stale); exit status 1 when something is wrong."""
    ap = argparse.ArgumentParser(prog="python -m gladiator.docs", description=__doc__.split("\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT, help="folder of the pictures and their manifest")
    ap.add_argument("--check", action="store_true", help="draw nothing: check the pictures' claims and manifest (the "
                    "samples are checked by tests/test_docs_commands.py)")
    ap.add_argument("--only", nargs="*", default=None, help="draw only these pictures (file names), and run no sample")
    ap.add_argument("--slow", action="store_true", help=f"make the pictures of long runs instead ({', '.join(SLOW)}): "
                    "tens of minutes")
    args = ap.parse_args(argv)
    try:
        if args.slow:
            return make_slow(args.out)
        if args.check:
            problems = stale(args.out)
            for p in problems:
                print(f"error: {p}", file=sys.stderr)
            if not problems:
                print(f"OK: the {len(SCENES)} pictures in {args.out} are what `make docs` makes now")
            return 1 if problems else 0
        make(args.out, args.only)
        if not args.only:
            refresh_samples()
    except DocsError as e:
        for line in str(e).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
