"""Dragging rules to reorder them: what a drag carries, and the single-row moves that put the
dragged rows where they were dropped.

A drag carries row numbers, which mean something only inside the model that made them, so it
is stamped with that model's owner ID (process and object) and any other drop is refused.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QMimeData

ROWS_MIME_TYPE = "application/x-cfstream-gui-rule-rows"


def rows_mime(owner: str, rows: list[int]) -> QMimeData:
    mime = QMimeData()
    payload = {"owner": owner, "rows": rows}
    mime.setData(ROWS_MIME_TYPE, QByteArray(json.dumps(payload).encode()))
    return mime


def dragged_rows(data: QMimeData, owner: str, row_count: int) -> list[int] | None:
    """The rows a drag from the model `owner` carries; None for anything else."""
    if not data.hasFormat(ROWS_MIME_TYPE):
        return None
    try:
        payload = json.loads(bytes(data.data(ROWS_MIME_TYPE).data()).decode())
        rows = sorted({int(row) for row in payload["rows"]})
    except (ValueError, KeyError, TypeError):
        return None
    if payload.get("owner") != owner:
        return None
    if not rows or rows[0] < 0 or rows[-1] >= row_count:
        return None
    return rows


def drop_target(rows: list[int], row: int, onto: int | None, row_count: int) -> int:
    """The row the dragged `rows` go before: Qt's `row` when dropped between rows, else the
    place of the rule dropped `onto`, else the end."""
    if row != -1:
        return row
    if onto is not None:
        # Dropped onto a rule: take its place, whichever direction the drag came from.
        return onto + 1 if rows[0] < onto else onto
    return row_count


def single_moves(rows: list[int], target: int, row_count: int) -> list[tuple[int, int]]:
    """(source, destination) moves of one row each that bring the (possibly scattered) `rows`
    together before row `target`; one at a time, so every view and persistent index follows."""
    order = list(range(row_count))
    moved = set(rows)
    rest = [row for row in order if row not in moved]
    at = target - sum(1 for row in rows if row < target)
    wanted = rest[:at] + rows + rest[at:]
    current = order[:]
    moves = []
    for position, original in enumerate(wanted):
        source = current.index(original)
        if source != position:
            moves.append((source, position))
            current.insert(position, current.pop(source))
    return moves
