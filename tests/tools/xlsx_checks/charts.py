"""The checks of charts (every series' reference points at written cells
of an existing sheet, categories and values of one length, axis ids
defined once) and of drawings (anchors that do not run backwards)."""

from __future__ import annotations

from .book import NS, Book
from .refs import check_ref, parse_range, split_sheet_ref


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
