"""The pictures and samples of the README and docs, made from fixed seeds with what each caption claims checked.

`python -m gladiator.docs` (`make docs`) draws every quick picture (`scenes.SCENES`: the window's screenshots and
the hero GIF) and rewrites the `$ gladiator` samples' outputs (`samples`); `--check` rebuilds the pictures'
manifest without drawing and says which picture is stale or which caption claim fails, as
`tests/test_docs_pictures.py` does; `--slow` re-runs the long commands behind the other pictures (`scenes.SLOW`).
A front end: `scenes` imports the engine and bots; `pictures` draws through `ui`, imported only when drawing.
"""

from gladiator.docs.pictures import MANIFEST, file_hash, make, make_slow, manifest, record, shown_pictures, stale
from gladiator.docs.samples import TIMED, refresh_samples, run_sample, sample_docs, samples, untimed
from gladiator.docs.scenes import (
    CLAIMS, MOMENTS, OUT, ROOT, SCENES, SLOW, DocsError, Moment, Scene, failed_claims, moment,
)

__all__ = ["CLAIMS", "MANIFEST", "MOMENTS", "OUT", "ROOT", "SCENES", "SLOW", "TIMED", "DocsError", "Moment", "Scene",
           "failed_claims", "file_hash", "make", "make_slow", "manifest", "moment", "record", "refresh_samples",
           "run_sample", "sample_docs", "samples", "shown_pictures", "stale", "untimed"]
