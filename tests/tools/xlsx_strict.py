"""Checks an .xlsx for what Microsoft Excel is strict about and LibreOffice
and openpyxl forgive (Excel answers these with a repair prompt or by
dropping parts). Standard library only; reads the zip's XML parts.

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

import io
import math
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "dcterms": "http://purl.org/dc/terms/",
}
M = "{%s}" % NS["m"]
MAX_ROW, MAX_COL = 1_048_576, 16_384
# CT_Worksheet's sequence (ECMA-376 Part 1, 18.3.1.99).
WORKSHEET_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
    "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
    "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
    "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
    "legacyDrawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst",
]
BUILTIN_NAMES = {"_xlnm._FilterDatabase", "_xlnm.Print_Area", "_xlnm.Print_Titles", "_xlnm.Criteria",
                 "_xlnm.Extract", "_xlnm.Consolidate_Area", "_xlnm.Sheet_Title"}
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


class Book:
    def __init__(self, files: dict[str, bytes]):
        self.files = files
        self.problems: list[str] = []
        self.xml: dict[str, ET.Element] = {}

    def bad(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def tree(self, name: str) -> ET.Element | None:
        if name not in self.xml:
            try:
                self.xml[name] = ET.fromstring(self.files[name])
            except (ET.ParseError, KeyError) as e:
                self.bad(name, f"not well-formed XML ({e})")
                return None
        return self.xml[name]


def resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    parts = base.split("/")[:-1] + target.split("/")
    out: list[str] = []
    for p in parts:
        if p == "..":
            if out:
                out.pop()
        elif p not in ("", "."):
            out.append(p)
    return "/".join(out)


def rels_of(part: str) -> str:
    d, _, f = part.rpartition("/")
    return f"{d}/_rels/{f}.rels" if d else f"_rels/{f}.rels"


def check_package(b: Book) -> None:
    for name in b.files:
        if name.endswith(".xml") or name.endswith(".rels"):
            b.tree(name)
    ct = b.tree("[Content_Types].xml")
    if ct is None:
        return
    defaults = {e.get("Extension", "").lower() for e in ct.findall("ct:Default", NS)}
    overrides = {e.get("PartName", "").lstrip("/") for e in ct.findall("ct:Override", NS)}
    for name in b.files:
        if name == "[Content_Types].xml" or name.endswith("/"):
            continue
        ext = name.rpartition(".")[2].lower()
        if name not in overrides and ext not in defaults:
            b.bad("[Content_Types].xml", f"no content type for {name}")
    for part in overrides:
        if part not in b.files:
            b.bad("[Content_Types].xml", f"names a missing part {part}")
    for name in list(b.files):
        if not name.endswith(".rels"):
            continue
        root = b.tree(name)
        if root is None:
            continue
        source = name.replace("_rels/", "")[: -len(".rels")]
        for rel in root.findall("pr:Relationship", NS):
            if rel.get("TargetMode") == "External":
                continue
            target = resolve(source, rel.get("Target", ""))
            if target not in b.files:
                b.bad(name, f"relationship {rel.get('Id')} points at a missing part {target}")


def workbook_sheets(b: Book) -> list[tuple[str, str]]:
    """(name, part) of each sheet, in order."""
    wb = b.tree("xl/workbook.xml")
    rels = b.tree("xl/_rels/workbook.xml.rels")
    if wb is None or rels is None:
        return []
    targets = {r.get("Id"): resolve("xl/workbook.xml", r.get("Target", "")) for r in rels.findall("pr:Relationship", NS)}
    out, seen, ids = [], set(), set()
    for s in wb.findall("m:sheets/m:sheet", NS):
        name = s.get("name", "")
        where = f"sheet name {name!r}"
        if not 1 <= len(name) <= 31:
            b.bad(where, f"{len(name)} characters (Excel allows 1..31)")
        if any(ch in name for ch in "[]:*?/\\"):
            b.bad(where, "contains one of []:*?/\\")
        if name.startswith("'") or name.endswith("'"):
            b.bad(where, "starts or ends with an apostrophe")
        if name.lower() == "history":
            b.bad(where, "'History' is reserved")
        if name.lower() in seen:
            b.bad(where, "not unique (Excel ignores case)")
        seen.add(name.lower())
        sid = s.get("sheetId")
        if sid in ids:
            b.bad(where, f"sheetId {sid} repeated")
        ids.add(sid)
        part = targets.get(s.get(f"{{{NS['r']}}}id"))
        if part is None:
            b.bad(where, "no relationship to its part")
        else:
            out.append((name, part))
    if not out:
        b.bad("xl/workbook.xml", "no sheets")
    return out


def check_defined_names(b: Book, sheets: list[tuple[str, str]]) -> None:
    wb = b.tree("xl/workbook.xml")
    if wb is None:
        return
    names = {n for n, _ in sheets}
    for d in wb.findall("m:definedNames/m:definedName", NS):
        name, text = d.get("name", ""), (d.text or "")
        where = f"defined name {name}"
        if name.startswith("_xlnm."):
            if name not in BUILTIN_NAMES:
                b.bad(where, "unknown built-in name")
        elif not re.match(r"^[A-Za-z_\\][A-Za-z0-9_.]*$", name) or parse_cell(name.upper()) is not None:
            b.bad(where, "not a valid name")
        local = d.get("localSheetId")
        if local is not None and not (local.isdigit() and int(local) < len(sheets)):
            b.bad(where, f"localSheetId {local} outside the {len(sheets)} sheets")
        for ref in text.split(","):
            check_ref(b, where, ref.strip(), names, None)


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


def check_styles(b: Book) -> tuple[int, int]:
    st = b.tree("xl/styles.xml")
    if st is None:
        return 0, 0
    ids = set()
    for nf in st.findall("m:numFmts/m:numFmt", NS):
        nid, code = int(nf.get("numFmtId", "-1")), nf.get("formatCode", "")
        where = f"number format {nid} {code!r}"
        if nid < 164:
            b.bad(where, "a custom format needs an id of 164 or more")
        if nid in ids:
            b.bad(where, "id repeated")
        ids.add(nid)
        if len(code) > 255:
            b.bad(where, "longer than 255 characters")
        unquoted = re.sub(r'"[^"]*"', "", code)
        if '"' in unquoted:
            b.bad(where, "unbalanced quotes")
        if unquoted.count("[") != unquoted.count("]"):
            b.bad(where, "unbalanced brackets")
        if len(re.sub(r"\\.", "", unquoted).split(";")) > 4:
            b.bad(where, "more than 4 sections")
    xfs = st.find("m:cellXfs", NS)
    dxfs = st.find("m:dxfs", NS)
    return (len(xfs) if xfs is not None else 0), (len(dxfs) if dxfs is not None else 0)


def check_sheet(b: Book, name: str, part: str, n_xfs: int, n_dxfs: int, n_strings: int) -> tuple[int, int]:
    """Checks one worksheet; returns its written extent (last row, last column)."""
    root = b.tree(part)
    where = f"sheet {name!r}"
    if root is None:
        return 0, 0
    order = [child.tag.replace(M, "") for child in root]
    known = [t for t in order if t in WORKSHEET_ORDER]
    if [WORKSHEET_ORDER.index(t) for t in known] != sorted(WORKSHEET_ORDER.index(t) for t in known):
        b.bad(where, f"elements out of the schema's order: {order}")
    for t in order:
        if t not in WORKSHEET_ORDER:
            b.bad(where, f"unknown element {t}")
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
    prev_max = 0
    for col in root.findall("m:cols/m:col", NS):
        lo, hi, w = int(col.get("min", "0")), int(col.get("max", "0")), float(col.get("width", "0"))
        if not (1 <= lo <= hi <= MAX_COL) or lo <= prev_max:
            b.bad(where, f"<col min={lo} max={hi}> out of order or overlapping")
        if not 0 <= w <= 255:
            b.bad(where, f"column width {w} outside 0..255")
        prev_max = hi
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
    for cf in root.findall("m:conditionalFormatting", NS):
        for ref in cf.get("sqref", "").split():
            if parse_range(ref) is None:
                b.bad(where, f"conditional format range {ref!r} invalid")
        for rule in cf.findall("m:cfRule", NS):
            dxf = rule.get("dxfId")
            if dxf is not None and int(dxf) >= n_dxfs:
                b.bad(where, f"conditional format dxfId {dxf}, dxfs has {n_dxfs}")
    dvs = root.find("m:dataValidations", NS)
    if dvs is not None:
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
    for tag in ("autoFilter", "dimension"):
        e = root.find(f"m:{tag}", NS)
        if e is not None and parse_range(e.get("ref", "")) is None:
            b.bad(where, f"{tag} ref {e.get('ref')!r} invalid")
    return last_row, last_col


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


def check_strings(b: Book) -> int:
    if "xl/sharedStrings.xml" not in b.files:
        return 0
    sst = b.tree("xl/sharedStrings.xml")
    if sst is None:
        return 0
    items = sst.findall("m:si", NS)
    for i, si in enumerate(items):
        text = "".join(t.text or "" for t in si.iter(f"{M}t"))
        if len(text) > 32767:
            b.bad("xl/sharedStrings.xml", f"string {i} holds {len(text)} characters (Excel: 32,767)")
    return len(items)


def check_charts(b: Book, names: set[str], written: dict) -> None:
    for part in sorted(p for p in b.files if p.startswith("xl/charts/chart") and p.endswith(".xml")):
        root = b.tree(part)
        if root is None:
            continue
        for ser in root.iter(f"{{{NS['c']}}}ser"):
            lengths = []
            for tag in ("cat", "val", "xVal", "yVal"):
                e = ser.find(f"c:{tag}", NS)
                if e is None:
                    continue
                f = e.find(".//c:f", NS)
                if f is None or not f.text:
                    continue
                check_ref(b, f"{part} {tag}", f.text, names, written)
                split = split_sheet_ref(f.text)
                box = parse_range(split[1]) if split else None
                if box:
                    lengths.append((box[2] - box[0] + 1) * (box[3] - box[1] + 1))
            tx = ser.find("c:tx/c:strRef/c:f", NS)
            if tx is not None and tx.text:
                check_ref(b, f"{part} name", tx.text, names, written)
            if len(set(lengths)) > 1:
                b.bad(part, f"a series' categories and values differ in length: {lengths}")
        for plot in root.iter(f"{{{NS['c']}}}plotArea"):
            defined: dict[str, int] = {}
            for ax in plot:
                if ax.tag.endswith("Ax"):
                    i = ax.find("c:axId", NS)
                    if i is not None:
                        defined[i.get("val")] = defined.get(i.get("val"), 0) + 1
            for k, v in defined.items():
                if v > 1:
                    b.bad(part, f"axis id {k} defined {v} times")
            for chart in plot:
                if chart.tag.endswith("Chart"):
                    for i in chart.findall("c:axId", NS):
                        if i.get("val") not in defined:
                            b.bad(part, f"{chart.tag.split('}')[1]} names axis {i.get('val')}, not defined")


def check_drawings(b: Book) -> None:
    for part in sorted(p for p in b.files if p.startswith("xl/drawings/drawing") and p.endswith(".xml")):
        root = b.tree(part)
        if root is None:
            continue
        for anchor in root.findall("xdr:twoCellAnchor", NS):
            pos = []
            for tag in ("from", "to"):
                e = anchor.find(f"xdr:{tag}", NS)
                if e is None:
                    b.bad(part, f"an anchor without <{tag}>")
                    break
                vals = [int(e.find(f"xdr:{k}", NS).text) for k in ("col", "colOff", "row", "rowOff")]
                if min(vals) < 0:
                    b.bad(part, f"negative anchor {tag}: {vals}")
                pos.append((vals[2], vals[0]))
            if len(pos) == 2 and pos[1] < pos[0]:
                b.bad(part, f"anchor ends before it starts: {pos}")


def check_core(b: Book) -> None:
    if "docProps/core.xml" not in b.files:
        return
    core = b.tree("docProps/core.xml")
    if core is None:
        return
    for tag in ("created", "modified"):
        e = core.find(f"dcterms:{tag}", NS)
        if e is not None and not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", e.text or ""):
            b.bad("docProps/core.xml", f"{tag} {e.text!r} is not W3CDTF")


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


def read(path: str) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


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
