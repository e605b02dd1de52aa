"""Long tables (a history of thousands of results) printed as rich prints them, at a fraction of the cost.

rich lays out every cell of a table through its renderables: about 80 microseconds a cell, so ten
thousand history rows took several seconds. Here rich still decides everything that needs it, on a
few rows: the column widths (from the rows that hold each column's widest cell, which is what rich
sizes by), the title, the borders and the header (rendered from an empty table of those
widths). The body rows are then written line by line: a cell that is plain ASCII and fits is padded;
any other cell (too long, non-ASCII, tabs, line breaks, `:emoji:` codes) is wrapped by rich's own Text.
tests/test_store_index.py checks the output against rich's, character for character.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

# Below this many rows rich prints the table itself.
LONG = 100


def _plain(cell: str) -> bool:
    return cell.isascii() and cell.isprintable() and ":" not in cell


def _lines(out: Console, cell: str, width: int) -> list[str]:
    """The cell as rich lays it out in width columns (padded, wrapped, folded)."""
    if _plain(cell):
        if len(cell) <= width:
            return [cell.ljust(width)]
        if " " not in cell:  # one long word (an id): folded every width characters
            return [cell[i : i + width].ljust(width) for i in range(0, len(cell), width)]
    text = out.render_str(cell, highlight=False)
    lines = text.wrap(out, width, justify="left", overflow="fold")
    return [line.plain + " " * (width - cell_len(line.plain)) for line in lines] or [" " * width]


def print_long_table(out: Console, title: str, columns: list[str], rows: list[list[str]]) -> None:
    """Print a table of str cells (columns folding, never cut) as `rich.table.Table` would."""

    def table(body: list[list[str]], widths: list[int] | None = None) -> Table:
        made = Table(title=title)
        for n, column in enumerate(columns):
            made.add_column(column, overflow="fold", width=None if widths is None else widths[n] - 2)
        for row in body:
            made.add_row(*row)
        return made

    if len(rows) < LONG:
        out.print(table(rows))
        return
    # The rows rich's column widths depend on (it sizes columns by their widest cell, then shrinks the
    # widest): per column the widest cell, and every row with a cell that is not plain ASCII (measured
    # by rich itself).
    chosen = {i for i, row in enumerate(rows) if not all(map(_plain, row))}
    for n in range(len(columns)):
        chosen.add(max(range(len(rows)), key=lambda i: len(rows[i][n])))
    sample = table([rows[i] for i in sorted(chosen)])
    options = out.options
    widths = sample._calculate_column_widths(out, options.update_width(options.max_width - sample._extra_width))
    box = sample.box.substitute(out.options, safe=out.safe_box) if sample.box else None
    if box is None or not sample.show_edge:
        out.print(table(rows))
        return
    with out.capture() as captured:
        out.print(table([], widths))
    # title, top border, header and the line under it; not the bottom border
    lines = captured.get().splitlines()[:-1]
    last = len(rows) - 1
    for r, row in enumerate(rows):
        left, middle, right = (
            (box.foot_left, box.foot_vertical, box.foot_right)
            if r == last
            else (box.mid_left, box.mid_vertical, box.mid_right)
        )
        cells = [_lines(out, cell, width - 2) for cell, width in zip(row, widths, strict=True)]
        height = max(map(len, cells))
        for n in range(height):
            parts = [cell[n] if n < len(cell) else " " * (width - 2) for cell, width in zip(cells, widths, strict=True)]
            lines.append(left + " " + f" {middle} ".join(parts) + " " + right)
    lines.append(box.get_bottom(widths))
    out.file.write("\n".join(lines) + "\n")
    out.file.flush()


__all__ = ["LONG", "print_long_table"]
