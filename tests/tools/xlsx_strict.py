"""Checks an .xlsx for what Microsoft Excel is strict about and LibreOffice
and openpyxl forgive (Excel answers these with a repair prompt or by
dropping parts). Standard library only; reads the zip's XML parts. The
checks are in xlsx_checks/, one module a part of the workbook.

    python xlsx_strict.py BOOK.xlsx          one problem a line, exit 1 if any
    python xlsx_strict.py --self-test BOOK.xlsx
                                             breaks BOOK in memory in each way
                                             checked and fails unless every
                                             break is reported

What is checked (and nothing else):
- every part is well-formed XML; [Content_Types].xml covers every part;
  every relationship target exists;
- sheet names: 1..31 characters, none of []:*?/\\, no leading or trailing
  apostrophe, unique ignoring case, not "History"; sheetIds unique;
- defined names: a known built-in (_xlnm.*) or a valid user name,
  localSheetId within the sheets, the formula's sheet exists and is quoted
  where Excel needs quotes, the range within Excel's grid;
- worksheets: child elements in the schema's order (CT_Worksheet); rows
  ascending and unique, cells ascending within their row and in their row;
  cell references within A1:XFD1048576; style indexes within cellXfs;
  shared-string indexes within sharedStrings; numbers finite; inline and
  shared strings at most 32,767 characters; formulas not starting with "="
  and with balanced parentheses and quotes; <cols> ranges ordered, not
  overlapping, widths 0..255; merged ranges not overlapping; conditional
  formats' and data validations' sqref valid, dxfId within dxfs, the
  validations' count equal to their number; autofilter and dimension refs
  valid;
- number formats: custom ids >= 164 and unique, every format code with
  balanced quotes and brackets, at most 4 sections, at most 255 characters;
- charts: every series' <c:f> points at an existing sheet, is quoted where
  needed, lies within Excel's grid and within that sheet's written cells;
  a series' categories and values have the same length; every axis id a
  chart type names is defined once in its plot area;
- drawings: anchors with non-negative from/to, "to" not before "from";
- docProps/core.xml dates in W3CDTF (YYYY-MM-DDThh:mm:ssZ).
"""

from __future__ import annotations

import sys

from xlsx_checks.book import Book, read
from xlsx_checks.charts import check_charts, check_drawings
from xlsx_checks.sheet import check_sheet
from xlsx_checks.workbook import (
    check_core,
    check_defined_names,
    check_package,
    check_strings,
    check_styles,
    workbook_sheets,
)


def check(files: dict[str, bytes]) -> list[str]:
    b = Book(files)
    check_package(b)
    sheets = workbook_sheets(b)
    check_defined_names(b, sheets)
    n_xfs, n_dxfs = check_styles(b)
    n_strings = check_strings(b)
    written = {}
    for name, part in sheets:
        written[name] = check_sheet(b, name, part, n_xfs, n_dxfs, n_strings)
    check_charts(b, {n for n, _ in sheets}, written)
    check_drawings(b)
    check_core(b)
    return b.problems


def main() -> int:
    args = sys.argv[1:]
    if args and args[0] == "--self-test":
        from xlsx_strict_selftest import self_test

        missed = self_test(read(args[1]))
        for m in missed:
            print(f"self-test: not caught: {m}")
        return 1 if missed else 0
    problems = check(read(args[0]))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
