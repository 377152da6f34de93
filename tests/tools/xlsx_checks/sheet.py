"""The checks of one worksheet: its elements in the schema's order, rows
and cells in order and within the grid, style and shared-string indexes
that exist, numbers that are finite, column widths, merged ranges,
conditional formats and data validations."""

from __future__ import annotations

import math

from .book import NS, M, Book
from .refs import MAX_COL, MAX_ROW, check_formula, parse_cell, parse_range

# CT_Worksheet's sequence (ECMA-376 Part 1, 18.3.1.99).
WORKSHEET_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
    "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
    "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
    "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
    "legacyDrawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst",
]


def check_sheet(b: Book, name: str, part: str, n_xfs: int, n_dxfs: int, n_strings: int) -> tuple[int, int]:
    """Checks one worksheet; returns its written extent (last row, last column)."""
    root = b.tree(part)
    where = f"sheet {name!r}"
    if root is None:
        return 0, 0
    check_order(b, where, root)
    extent = check_cells(b, where, root, n_xfs, n_strings)
    check_cols(b, where, root)
    check_merges(b, where, root)
    check_conditional_formats(b, where, root, n_dxfs)
    check_validations(b, where, root)
    for tag in ("autoFilter", "dimension"):
        e = root.find(f"m:{tag}", NS)
        if e is not None and parse_range(e.get("ref", "")) is None:
            b.bad(where, f"{tag} ref {e.get('ref')!r} invalid")
    return extent


def check_order(b: Book, where: str, root) -> None:
    order = [child.tag.replace(M, "") for child in root]
    known = [t for t in order if t in WORKSHEET_ORDER]
    if [WORKSHEET_ORDER.index(t) for t in known] != sorted(WORKSHEET_ORDER.index(t) for t in known):
        b.bad(where, f"elements out of the schema's order: {order}")
    for t in order:
        if t not in WORKSHEET_ORDER:
            b.bad(where, f"unknown element {t}")


def check_cells(b: Book, where: str, root, n_xfs: int, n_strings: int) -> tuple[int, int]:
    """Rows and their cells; returns the last row and column written."""
    last_row, last_col = 0, 0
    prev_row = 0
    for row in root.findall("m:sheetData/m:row", NS):
        r = int(row.get("r", "0"))
        if r <= prev_row or r > MAX_ROW:
            b.bad(where, f"row {r} out of order or outside the grid")
        prev_row = r
        prev_col = 0
        for c in row.findall("m:c", NS):
            ref = c.get("r", "")
            rc = parse_cell(ref)
            if rc is None or rc[0] != r or rc[1] > MAX_COL:
                b.bad(where, f"cell {ref!r} not in its row {r} or outside the grid")
                continue
            if rc[1] <= prev_col:
                b.bad(where, f"cell {ref} out of order in its row")
            prev_col = rc[1]
            last_row, last_col = max(last_row, r), max(last_col, rc[1])
            check_cell(b, where, ref, c, n_xfs, n_strings)
    return last_row, last_col


def check_cell(b: Book, where: str, ref: str, c, n_xfs: int, n_strings: int) -> None:
    s = int(c.get("s", "0"))
    if s >= max(n_xfs, 1):
        b.bad(where, f"cell {ref} has style {s}, cellXfs has {n_xfs}")
    v = c.find("m:v", NS)
    t = c.get("t", "n")
    if t == "s" and v is not None and not (v.text or "").isdigit() or (
        t == "s" and v is not None and int(v.text) >= n_strings
    ):
        b.bad(where, f"cell {ref} points past the {n_strings} shared strings")
    if t == "n" and v is not None:
        try:
            if not math.isfinite(float(v.text)):
                b.bad(where, f"cell {ref} is not a finite number")
        except (TypeError, ValueError):
            b.bad(where, f"cell {ref} is typed a number but holds {v.text!r}")
    if t == "inlineStr":
        text = "".join(x.text or "" for x in c.iter(f"{M}t"))
        if len(text) > 32767:
            b.bad(where, f"cell {ref} holds {len(text)} characters (Excel: 32,767)")
    f = c.find("m:f", NS)
    if f is not None and f.text:
        check_formula(b, f"{where} {ref}", f.text)


def check_cols(b: Book, where: str, root) -> None:
    prev_max = 0
    for col in root.findall("m:cols/m:col", NS):
        lo, hi, w = int(col.get("min", "0")), int(col.get("max", "0")), float(col.get("width", "0"))
        if not (1 <= lo <= hi <= MAX_COL) or lo <= prev_max:
            b.bad(where, f"<col min={lo} max={hi}> out of order or overlapping")
        if not 0 <= w <= 255:
            b.bad(where, f"column width {w} outside 0..255")
        prev_max = hi


def check_merges(b: Book, where: str, root) -> None:
    boxes = []
    for mc in root.findall("m:mergeCells/m:mergeCell", NS):
        box = parse_range(mc.get("ref", ""))
        if box is None:
            b.bad(where, f"merged range {mc.get('ref')!r} invalid")
            continue
        for o in boxes:
            if not (box[2] < o[0] or o[2] < box[0] or box[3] < o[1] or o[3] < box[1]):
                b.bad(where, f"merged ranges overlap: {mc.get('ref')}")
        boxes.append(box)


def check_conditional_formats(b: Book, where: str, root, n_dxfs: int) -> None:
    for cf in root.findall("m:conditionalFormatting", NS):
        for ref in cf.get("sqref", "").split():
            if parse_range(ref) is None:
                b.bad(where, f"conditional format range {ref!r} invalid")
        for rule in cf.findall("m:cfRule", NS):
            dxf = rule.get("dxfId")
            if dxf is not None and int(dxf) >= n_dxfs:
                b.bad(where, f"conditional format dxfId {dxf}, dxfs has {n_dxfs}")


def check_validations(b: Book, where: str, root) -> None:
    dvs = root.find("m:dataValidations", NS)
    if dvs is None:
        return
    items = dvs.findall("m:dataValidation", NS)
    if dvs.get("count") is not None and int(dvs.get("count")) != len(items):
        b.bad(where, f"dataValidations count {dvs.get('count')} but {len(items)} validations")
    for dv in items:
        for ref in dv.get("sqref", "").split():
            if parse_range(ref) is None:
                b.bad(where, f"data validation range {ref!r} invalid")
        for tag in ("formula1", "formula2"):
            fx = dv.find(f"m:{tag}", NS)
            if fx is not None and fx.text:
                if len(fx.text) > 255:
                    b.bad(where, f"data validation {tag} longer than 255 characters")
                check_formula(b, f"{where} validation", fx.text)
