"""Tokens for a whole list of videos, signed locally on every core.

`input.py` reads the list (ids one per line, or CSV with `video`, `exp`, `rules` columns) and keeps
every bad row with its line number; `signing.py` signs the good ones in worker processes and
writes the results. The CLI's `batch` and the window's Batch dialog both use this.
"""

from cfstream_gui.core.batch.input import (
    BatchInputError,
    BatchRow,
    ParsedInput,
    RowError,
    RuleSyntaxError,
    parse_batch_input,
    parse_rule_list,
    parse_rule_text,
)
from cfstream_gui.core.batch.signing import (
    OUTPUT_COLUMNS,
    URL_COLUMNS,
    BatchCancelled,
    BatchDefaults,
    BatchResult,
    Progress,
    sign_batch,
    write_results,
    write_results_csv,
)

__all__ = [
    "OUTPUT_COLUMNS",
    "URL_COLUMNS",
    "BatchCancelled",
    "BatchDefaults",
    "BatchInputError",
    "BatchResult",
    "BatchRow",
    "ParsedInput",
    "Progress",
    "RowError",
    "RuleSyntaxError",
    "parse_batch_input",
    "parse_rule_list",
    "parse_rule_text",
    "sign_batch",
    "write_results",
    "write_results_csv",
]
