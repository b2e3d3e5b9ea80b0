"""Statement-file importers: CSV (presets or a column mapping), OFX/QFX, CAMT.053, BAI2,
MT940 and QIF.

The service calls :func:`parse_file`; it validates the whole file (raising
:class:`FileRejected` with row- and field-level :class:`RowError` s when anything is wrong)
and returns a :class:`ParsedFile` whose ``rows`` stream :class:`connectors.base.RawTransaction`
records. See :mod:`connectors.files.api` for the full contract.
"""

from connectors.files.api import FileFormat, ParsedFile, detect_format, parse_file
from connectors.files.csv_import import MAPPING_HELP, PRESETS, CsvMapping
from connectors.files.csv_mapping import mapping_data
from connectors.files.errors import FileRejected, RowError

__all__ = [
    "MAPPING_HELP",
    "PRESETS",
    "CsvMapping",
    "FileFormat",
    "FileRejected",
    "ParsedFile",
    "RowError",
    "detect_format",
    "mapping_data",
    "parse_file",
]
