"""The plan as an XLSX workbook (openpyxl): header frozen, columns sized, read-only columns grey with a
note, drop-down lists for status and element, dates as dates; and read back, refusing hostile files."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from pathlib import Path

from prepkit.errors import file_problem
from prepkit.plan.model import COLUMNS, DATE_COLUMNS, ELEMENTS, READ_ONLY, STATUSES, Plan, item_row
from prepkit.plan.tabular import MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, Cell, Sheet
from prepkit.spreadsheet import spreadsheet_cell

SHEET = "Plan"
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 2_000
AGENCY_PROPERTY = "prepkit-agency"
QUESTIONNAIRE_PROPERTY = "prepkit-questionnaire"
RESULT_PROPERTY = "prepkit-result"
WIDTHS = {
    "item": 28,
    "domain": 22,
    "capability": 50,
    "finding": 18,
    "priority": 9,
    "critical": 8,
    "action": 45,
    "element": 14,
    "owner": 20,
    "start": 12,
    "due": 12,
    "status": 13,
    "status_date": 12,
    "note": 40,
    "resources": 30,
    "flags": 16,
}
READ_ONLY_NOTE = "Read-only: prepkit fills this column from the assessment; `prepkit plan import` refuses a change."
HAND_STATUSES = [s for s in STATUSES if s != "verified"]  # only prepkit sets verified


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    return str(get_column_letter(index))


def plan_xlsx(plan: Plan, today: dt.date) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.comments import Comment  # type: ignore[import-untyped]
    from openpyxl.packaging.custom import StringProperty  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(list(COLUMNS))
    grey, light = PatternFill("solid", fgColor="BFBFBF"), PatternFill("solid", fgColor="F2F2F2")
    editable_head = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, 1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = grey if column in READ_ONLY else editable_head
        if column in READ_ONLY:
            cell.comment = Comment(READ_ONLY_NOTE, "prepkit", width=240, height=80)
        ws.column_dimensions[_letter(index)].width = WIDTHS[column]
    for item in plan.items:
        row = item_row(item, today)
        values: list[object] = []
        for column in COLUMNS:
            value = row[column]
            if column in DATE_COLUMNS:
                values.append(getattr(item, column))
            elif isinstance(value, list):
                values.append("; ".join(value))
            elif isinstance(value, str):
                values.append(spreadsheet_cell(value) if value else None)
            else:
                values.append(value)
        ws.append(values)
    last = max(2, len(plan.items) + 1)
    for index, column in enumerate(COLUMNS, 1):
        for (cell,) in ws.iter_rows(min_row=2, max_row=last, min_col=index, max_col=index):
            if column in DATE_COLUMNS:
                cell.number_format = "yyyy-mm-dd"
            if column in READ_ONLY:
                cell.fill = light
            if column in ("capability", "action", "note"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
    status = DataValidation(
        type="list",
        formula1='"' + ",".join(HAND_STATUSES) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="status",
        error="One of: " + ", ".join(HAND_STATUSES) + " (prepkit alone sets verified).",
    )
    element = DataValidation(
        type="list",
        formula1='"' + ",".join(ELEMENTS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="element",
        error="One of: " + ", ".join(ELEMENTS) + ", or empty.",
    )
    for validation, column in ((status, "status"), (element, "element")):
        letter = _letter(COLUMNS.index(column) + 1)
        validation.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"  # printed: the header on every page, in landscape
    ws.page_setup.orientation = "landscape"
    ws.auto_filter.ref = f"A1:{_letter(len(COLUMNS))}{last}"
    wb.properties.creator = "prepkit"
    wb.properties.title = f"Improvement plan: {plan.agency} ({plan.questionnaire})"
    for name, value in (
        (AGENCY_PROPERTY, plan.agency),
        (QUESTIONNAIRE_PROPERTY, plan.questionnaire),
        (RESULT_PROPERTY, plan.result),
    ):
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def check_archive(path: Path) -> None:
    """Refuse before openpyxl opens it: a file too large, not a zip, one that unpacks to far more
    than a plan (a zip bomb), links to other workbooks, or XML with a DOCTYPE (entity expansion)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise file_problem(
            path, f"the file is {size / 1e6:.1f} MB; a plan file is at most {MAX_FILE_BYTES // 2**20} MiB"
        )
    if not zipfile.is_zipfile(path):
        raise file_problem(path, "not an XLSX workbook (an XLSX file is a zip archive); save it as Excel Workbook")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise file_problem(path, f"the workbook holds {len(infos)} parts; refusing more than {MAX_MEMBERS}")
            total = sum(info.file_size for info in infos)
            if total > MAX_UNZIPPED_BYTES:
                raise file_problem(
                    path,
                    f"the workbook unpacks to {total / 1e6:.0f} MB (a zip bomb?); refusing more than "
                    f"{MAX_UNZIPPED_BYTES // 2**20} MiB",
                )
            for info in infos:
                name = info.filename.lower()
                if name.startswith("xl/externallinks/"):
                    raise file_problem(
                        path, "the workbook links to other workbooks (external links); save a copy without links"
                    )
                if name.endswith((".xml", ".rels", ".vml")):
                    data = archive.read(info)
                    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                        raise file_problem(path, f"{info.filename} declares a DOCTYPE or entities; refusing it")
                    if b"externalLink" in data and name.endswith(".rels"):
                        raise file_problem(
                            path, "the workbook links to other workbooks (external links); save a copy without links"
                        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as err:
        raise file_problem(path, f"a damaged XLSX workbook ({err})") from None


def read_xlsx(path: Path) -> Sheet:
    """The rows of the workbook's `Plan` sheet (else its first), with formulas marked."""
    check_archive(path)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except Exception as err:  # openpyxl fails in many ways on a damaged file; each is the file's fault
        raise file_problem(path, f"cannot read the workbook: {type(err).__name__}: {err}") from None
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        props = {p.name: str(p.value) for p in wb.custom_doc_props.props}
        header: list[str] = []
        rows: list[tuple[int, list[Cell]]] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for number, cells in enumerate(ws.iter_rows(min_row=1, max_col=MAX_COLUMNS), 1):
                if number > MAX_ROWS:
                    raise file_problem(path, f"more than {MAX_ROWS} rows", number, 1)
                row = [Cell(c.value, formula=getattr(c, "data_type", None) == "f") for c in cells]
                while row and row[-1].value is None:
                    row.pop()
                if number == 1:
                    header = ["" if c.value is None else str(c.value) for c in row]
                else:
                    rows.append((number, row))
    except Exception as err:
        if hasattr(err, "problems"):
            raise
        raise file_problem(path, f"cannot read the workbook: {type(err).__name__}: {err}") from None
    finally:
        wb.close()
    if not header:
        raise file_problem(path, "the sheet is empty: a plan file starts with a header row")
    return Sheet(header, rows, agency=props.get(AGENCY_PROPERTY), questionnaire=props.get(QUESTIONNAIRE_PROPERTY))
