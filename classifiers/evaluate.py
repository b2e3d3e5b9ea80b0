"""Command line: ``python -m classifiers.evaluate [PATH]`` prints the evaluation report.

The implementation lives in :mod:`classifiers.evaluation` (``from classifiers import
evaluate`` is the function); this module is only the entry point, so do not import it.
"""

from __future__ import annotations

from classifiers.evaluation import main

if __name__ == "__main__":
    raise SystemExit(main())
