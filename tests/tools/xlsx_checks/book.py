"""The workbook as its zip's parts: each part's XML parsed once, and the
problems found, one a line, in the order the checks find them."""

from __future__ import annotations

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
M = "{%s}" % NS["m"]


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


def read(path: str) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}
