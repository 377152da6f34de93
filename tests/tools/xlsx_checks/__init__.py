"""The checks of xlsx_strict.py, one module a part of the workbook: `book`
(the parts as read, and the problems found), `refs` (Excel's cell, range
and sheet-reference grammar, and formulas), `workbook` (the package, the
sheet list, defined names, styles, shared strings, document properties),
`sheet` (one worksheet), `charts` (charts and drawings)."""
