"""`clipstream seed`: realistic demo data, loaded in bulk.

Users (all with the one demo password), ready videos whose bytes are a real 2-second clip in
storage, follows, video likes, comments with replies, comment likes and view counts; every
denormalised counter equals the rows it counts. The package: `options` (what to create),
`vocabulary.json` (the words), `plan` (who does what, compactly), `generate` (the rows, streamed),
`files` (the video bytes), `load` (a run), `progress` and `interrupts`.
"""

from entrypoints.seed.load import remove_objects, run_seed, sample_clip, seed
from entrypoints.seed.options import SeedError, SeedInterrupted, SeedOptions, SeedReport

__all__ = [
    "SeedError",
    "SeedInterrupted",
    "SeedOptions",
    "SeedReport",
    "remove_objects",
    "run_seed",
    "sample_clip",
    "seed",
]
