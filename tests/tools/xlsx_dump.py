"""Dumps a workbook for the workbook tests (tests/it/workbook.rs), read with
openpyxl as another program would: one line per sheet, then one per cell.

  S <tab> name <tab> max_row <tab> max_col <tab> freeze <tab> autofilter <tab> charts <tab> colour scales
  C <tab> sheet <tab> row <tab> col <tab> type <tab> value <tab> number format

type: n (number), d (date), s (text), b (boolean). Rows and columns are
1-based, as in Excel. Tabs and newlines in text are written as \\t and \\n.
"""

import datetime
import sys

import openpyxl


def text(value):
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def main(path):
    wb = openpyxl.load_workbook(path)
    out = sys.stdout
    for ws in wb.worksheets:
        scales = []
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                scales.append(f"{rule.type}:{cf.sqref}")
        out.write(
            "\t".join(
                [
                    "S",
                    text(ws.title),
                    str(ws.max_row),
                    str(ws.max_column),
                    text(ws.freeze_panes or ""),
                    text(ws.auto_filter.ref or ""),
                    str(len(ws._charts)),
                    text(";".join(scales)),
                ]
            )
            + "\n"
        )
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if v is None:
                    continue
                if isinstance(v, bool):
                    kind, shown = "b", str(v)
                elif isinstance(v, datetime.datetime):
                    kind, shown = "d", v.date().isoformat()
                elif isinstance(v, datetime.date):
                    kind, shown = "d", v.isoformat()
                elif isinstance(v, (int, float)):
                    kind, shown = "n", repr(float(v))
                else:
                    kind, shown = "s", text(v)
                out.write(
                    "\t".join(
                        ["C", text(ws.title), str(cell.row), str(cell.column), kind, shown, text(cell.number_format)]
                    )
                    + "\n"
                )


if __name__ == "__main__":
    main(sys.argv[1])
