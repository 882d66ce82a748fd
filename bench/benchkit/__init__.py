"""Building blocks of the Clipstream benchmark (`bench/run.py`)."""
