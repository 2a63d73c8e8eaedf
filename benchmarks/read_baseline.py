"""The reading baselines: every cell of every sheet, with a bare library and nothing else.

    python benchmarks/read_baseline.py openpyxl WORKBOOK
    python benchmarks/read_baseline.py calamine WORKBOOK

`openpyxl` is the fastest way openpyxl offers (read-only, cached values);
`calamine` is python-calamine. Both print the number of cells they saw, so
a run that read nothing cannot pass for a fast one.
"""

from __future__ import annotations

import sys


def openpyxl_cells(path: str) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells += sum(1 for value in row if value is not None)
    workbook.close()
    return cells


def calamine_cells(path: str) -> int:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(path)
    cells = 0
    for name in workbook.sheet_names:
        for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False):
            cells += sum(1 for value in row if value != "")
    return cells


def main() -> None:
    reader, path = sys.argv[1], sys.argv[2]
    count = {"openpyxl": openpyxl_cells, "calamine": calamine_cells}[reader](path)
    print(f"{count} cells")


if __name__ == "__main__":
    main()
