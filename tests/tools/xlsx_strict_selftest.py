"""The self-test of xlsx_strict.py: breaks a good workbook in memory in
each of the ways checked, and returns the breaks that were not reported, so
that a check that cannot fail is noticed."""

from __future__ import annotations

import re

from xlsx_strict import check


def self_test(files: dict[str, bytes]) -> list[str]:
    """Each break must be reported; returns the breaks that were not."""
    first_sheet = next(p for p in sorted(files) if p.startswith("xl/worksheets/sheet"))
    first_chart = next((p for p in sorted(files) if p.startswith("xl/charts/chart")), None)

    def sub(part: str, pattern: str, repl: str) -> dict[str, bytes]:
        text = files[part].decode()
        new = re.sub(pattern, repl, text, count=1)
        assert new != text, f"self-test pattern {pattern!r} not found in {part}"
        return {**files, part: new.encode()}

    breaks = {
        "sheet name over 31": sub("xl/workbook.xml", r'<sheet name="[^"]+"', '<sheet name="' + "x" * 32 + '"'),
        "sheet name with a colon": sub("xl/workbook.xml", r'<sheet name="[^"]+"', '<sheet name="a:b"'),
        "duplicate sheet name": sub("xl/workbook.xml", r'(<sheet name=")[^"]+("[^>]*/><sheet name=")[^"]+"',
                                    r"\1Same\2same\""),
        "rows out of order": sub(first_sheet, r'<row r="1"', '<row r="99999"'),
        "style index out of range": sub(first_sheet, r'<c r="A1" s="\d+"', '<c r="A1" s="9999"'),
        "element order": sub(first_sheet, r"(<dimension [^>]*/>)(<sheetViews>.*?</sheetViews>)", r"\2\1"),
        "missing part": {k: v for k, v in files.items() if k != "xl/styles.xml"},
        "bad number format": sub("xl/styles.xml", r'formatCode="[^"]*"', 'formatCode="0.0[Red"'),
        "string over 32767": sub("xl/sharedStrings.xml", r"<t>[^<]*</t>", "<t>" + "x" * 32768 + "</t>"),
    }
    # the formula break: a real formula cell added to the first row
    text = files[first_sheet].decode()
    m = re.search(r'<row r="(\d+)"[^>]*>', text)
    if m:
        cell = f'<c r="XFD{m.group(1)}"><f>=SUM(A1</f><v>0</v></c>'
        end = text.index("</row>", m.end())
        breaks["formula with = and open parenthesis"] = {**files, first_sheet: (text[:end] + cell + text[end:]).encode()}
    if first_chart:
        breaks["chart range on a missing sheet"] = sub(first_chart, r"<c:f>[^<]*!", "<c:f>NoSuchSheet!")
        breaks["chart range past the data"] = sub(first_chart, r"(<c:val><c:numRef><c:f>[^<]*?\$)(\d+)</c:f>",
                                                  r"\g<1>900000</c:f>")
    missed = []
    for what, broken in breaks.items():
        if broken is None:
            continue
        if not check(broken):
            missed.append(what)
    if check(files):
        missed.append("(the unbroken book already has problems)")
    return missed
