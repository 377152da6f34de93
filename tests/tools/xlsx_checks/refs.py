"""Excel's grammar for cell and range references, sheet names in formulas,
and formulas themselves: what a reference must look like and where it may
point (within A1:XFD1048576, at a sheet that exists, quoted where Excel
needs quotes)."""

from __future__ import annotations

import re

from .book import Book

MAX_ROW, MAX_COL = 1_048_576, 16_384
CELL = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
COLS_ONLY = re.compile(r"^\$?([A-Z]{1,3})$")
ROWS_ONLY = re.compile(r"^\$?([0-9]{1,7})$")


def col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def parse_cell(ref: str) -> tuple[int, int] | None:
    m = CELL.match(ref)
    if not m:
        return None
    return int(m.group(2)), col_number(m.group(1))


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """(row0, col0, row1, col1), 1-based, or None if not a valid range in Excel's grid."""
    parts = ref.split(":")
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2:
        return None
    a, b = parse_cell(parts[0]), parse_cell(parts[1])
    if a is None or b is None:
        ca, cb = COLS_ONLY.match(parts[0]), COLS_ONLY.match(parts[1])
        ra, rb = ROWS_ONLY.match(parts[0]), ROWS_ONLY.match(parts[1])
        if ca and cb:
            a, b = (1, col_number(ca.group(1))), (MAX_ROW, col_number(cb.group(1)))
        elif ra and rb:
            a, b = (int(ra.group(1)), 1), (int(rb.group(1)), MAX_COL)
        else:
            return None
    r0, c0, r1, c1 = a[0], a[1], b[0], b[1]
    if not (1 <= r0 <= r1 <= MAX_ROW and 1 <= c0 <= c1 <= MAX_COL):
        return None
    return r0, c0, r1, c1


def needs_quotes(name: str) -> bool:
    """Excel requires a sheet name in a formula to be quoted unless it is
    letters, digits, underscores and periods, not starting with a digit or
    a period, and not readable as a cell reference or TRUE/FALSE."""
    if not name:
        return True
    if not all(ch.isalnum() or ch in "_." for ch in name):
        return True
    if name[0].isdigit() or name[0] == ".":
        return True
    if re.match(r"^[A-Za-z]{1,3}[0-9]+$", name) or re.match(r"^[Rr]([0-9]+)?([Cc]([0-9]+)?)?$", name):
        return True
    return name.upper() in {"TRUE", "FALSE"}


def split_sheet_ref(formula: str) -> tuple[str | None, str, bool] | None:
    """`'Sheet'!$A$1:$B$2` → (sheet, range, quoted)."""
    if "!" not in formula:
        return None, formula, False
    sheet, _, rng = formula.rpartition("!")
    if sheet.startswith("'"):
        if not (sheet.endswith("'") and len(sheet) >= 2):
            return None
        inner = sheet[1:-1]
        if re.search(r"(?<!')'(?!')", inner.replace("''", "")):
            return None
        return inner.replace("''", "'"), rng, True
    return sheet, rng, False


def check_ref(b: Book, where: str, formula: str, names: set[str], written: dict | None) -> None:
    split = split_sheet_ref(formula)
    if split is None:
        b.bad(where, f"badly quoted sheet in {formula!r}")
        return
    sheet, rng, quoted = split
    if sheet is None:
        b.bad(where, f"no sheet in {formula!r}")
        return
    if sheet not in names:
        b.bad(where, f"{formula!r} names a sheet that does not exist")
        return
    if not quoted and needs_quotes(sheet):
        b.bad(where, f"{formula!r}: Excel needs the sheet name quoted")
    box = parse_range(rng)
    if box is None:
        b.bad(where, f"{formula!r} is not a range in Excel's grid")
        return
    if written is not None:
        extent = written.get(sheet)
        if extent is None or box[2] > extent[0] or box[3] > extent[1]:
            b.bad(where, f"{formula!r} reaches past the cells written on {sheet!r} (to {extent})")


def check_formula(b: Book, where: str, text: str) -> None:
    if text.startswith("="):
        b.bad(where, f"formula {text!r} starts with '=' (the file format has none)")
    bare = re.sub(r'"[^"]*"', "", text)
    if '"' in bare:
        b.bad(where, f"formula {text!r}: unbalanced quotes")
    depth = 0
    for ch in re.sub(r"'[^']*'", "", bare):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        b.bad(where, f"formula {text!r}: unbalanced parentheses")
