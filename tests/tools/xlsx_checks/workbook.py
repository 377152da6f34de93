"""The checks of the workbook as a whole: the package (content types,
relationships), the sheet list and its names, defined names, the styles'
number formats, the shared strings and the document properties."""

from __future__ import annotations

import re

from .book import NS, M, Book, resolve
from .refs import check_ref, parse_cell

BUILTIN_NAMES = {"_xlnm._FilterDatabase", "_xlnm.Print_Area", "_xlnm.Print_Titles", "_xlnm.Criteria",
                 "_xlnm.Extract", "_xlnm.Consolidate_Area", "_xlnm.Sheet_Title"}


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
