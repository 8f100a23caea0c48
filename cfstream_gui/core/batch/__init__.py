"""Tokens for a whole list of videos, signed locally on every core.

`input.py` reads the list (ids one per line, or CSV with `video`, `exp`, `rules` columns) and keeps
every bad row with its line number; `signing.py` signs the good ones in worker processes and
writes the results. The CLI's `batch` and the window's Batch dialog both use this.
"""

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
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

# Signing loads the process pool, PyJWT and cryptography: it waits until a name of it is used
# (PEP 562), so reading a `--rule` or a batch file does not pay for it.
_SIGNING = frozenset(
    {
        "OUTPUT_COLUMNS",
        "URL_COLUMNS",
        "BatchCancelled",
        "BatchDefaults",
        "BatchResult",
        "Progress",
        "sign_batch",
        "write_results",
        "write_results_csv",
    }
)


def __getattr__(name: str) -> Any:
    if name not in _SIGNING:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from cfstream_gui.core.batch import signing

    return getattr(signing, name)


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
