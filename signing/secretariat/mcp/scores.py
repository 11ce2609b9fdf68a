"""MCP scores: entering one government's percentages, importing a CSV file (all or nothing),
and the clearly marked demo figures."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing import audit
from signing.models import McpScore, Province, Region
from signing.secretariat.errors import BadValue, McpError
from signing.secretariat.mcp.zones import DEMO_PERIOD_SUFFIX, IMPORT_COLUMNS, PERIOD_PATTERN
from signing.workflow.refusals import WorkflowRefused, refuse


def parse_percent(text: str | None) -> Decimal | None:
    """``"75"``, ``"75.5"``, ``"75,5"``, ``"75%"`` -> Decimal; empty -> None.

    Raises ValueError with an Indonesian message for anything else or outside 0..100.
    """
    raw = (text or "").strip().removesuffix("%").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise BadValue("not_a_number", text=text) from None
    if not value.is_finite():
        raise BadValue("not_a_number", text=text)
    if value < 0:
        raise BadValue("negative", value=raw)
    if value > 100:
        raise BadValue("over_100", value=raw)
    if value != value.quantize(Decimal("0.01")):
        raise BadValue("two_decimals", value=raw)
    return value.quantize(Decimal("0.01"))


def normalise_period(text: str) -> str:
    period = (text or "").strip().upper()
    if not PERIOD_PATTERN.match(period):
        raise BadValue("period_invalid", text=text)
    return period


@dataclass(frozen=True)
class Target:
    """A regional government: the province itself (``region`` None) or a Kabupaten/Kota."""

    province_code: str
    region_id: int | None
    code: str
    name: str


def _targets(db_session: Session) -> dict[str, Target]:
    targets: dict[str, Target] = {}
    for code, name in db_session.execute(sa.select(Province.code, Province.name)):
        targets[code] = Target(code, None, code, f"Provinsi {name}")
    rows = db_session.execute(
        sa.select(Region.id, Region.kemendagri_code, Region.province_code, Region.name)
    )
    for region_id, code, province_code, name in rows:
        targets[code] = Target(province_code, region_id, code, name)
    return targets


def _key(province_code: str, region_id: int | None, period: str) -> tuple[str, int | None, str]:
    return (province_code, region_id, period)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rows: int = 0


@dataclass
class _Parsed:
    line: int
    target: Target
    period: str
    ptsp: Decimal | None
    delegation: Decimal | None
    extra: dict[str, str] = field(default_factory=dict)


def _write_scores(
    db_session: Session, parsed: Iterable[_Parsed], actor: Any
) -> tuple[ImportReport, list[McpScore]]:
    parsed = list(parsed)
    report = ImportReport(rows=len(parsed))
    provinces = {p.target.province_code for p in parsed}
    existing: dict[tuple[str, int | None, str], McpScore] = {}
    if provinces:
        for score in db_session.execute(
            sa.select(McpScore).where(McpScore.province_code.in_(provinces))
        ).scalars():
            existing[_key(score.province_code, score.region_id, score.period)] = score
    user_id = actor.id if getattr(actor, "is_authenticated", False) else None
    written = []
    for item in parsed:
        key = _key(item.target.province_code, item.target.region_id, item.period)
        score = existing.get(key)
        if score is None:
            score = McpScore(
                province_code=item.target.province_code,
                region_id=item.target.region_id,
                period=item.period,
                created_by_id=user_id,
            )
            db_session.add(score)
            existing[key] = score
            report.created += 1
        else:
            report.updated += 1
        # An empty cell keeps what was there: a file may update one of the two figures only.
        if item.ptsp is not None:
            score.ptsp_percent = item.ptsp
        if item.delegation is not None:
            score.delegation_percent = item.delegation
        written.append(score)
    db_session.flush()
    return report, written


def record_score(
    db_session: Session,
    *,
    code: str,
    period: str,
    ptsp: str | None,
    delegation: str | None,
    actor: Any,
) -> McpScore:
    """Enter (or correct) one regional government's percentages for one period."""
    errors: list[WorkflowRefused] = []
    target = _targets(db_session).get((code or "").strip())
    if target is None:
        errors.append(refuse("mcp_region_unknown", code=code))
    try:
        period_value = normalise_period(period)
    except BadValue as error:
        errors.append(refuse("mcp_labelled", label="Periode", problem=error.phrase))
    values: dict[str, Decimal | None] = {}
    for label, raw in (("PTSP", ptsp), ("Pendelegasian", delegation)):
        try:
            values[label] = parse_percent(raw)
        except BadValue as error:
            errors.append(refuse("mcp_labelled", label=label, problem=error.phrase))
    if not errors and values["PTSP"] is None and values["Pendelegasian"] is None:
        errors.append(refuse("mcp_percent_required"))
    if errors:
        raise McpError(errors)
    assert target is not None
    _report, written = _write_scores(
        db_session,
        [_Parsed(0, target, period_value, values["PTSP"], values["Pendelegasian"])],
        actor,
    )
    score = written[0]
    audit.record_about(
        db_session,
        "mcp.score",
        score,
        actor=actor,
        details={
            "kode_wilayah": target.code,
            "periode": period_value,
            "ptsp": None if score.ptsp_percent is None else str(score.ptsp_percent),
            "pendelegasian": (
                None if score.delegation_percent is None else str(score.delegation_percent)
            ),
        },
    )
    return score


def import_scores_csv(db_session: Session, raw: bytes, *, actor: Any) -> ImportReport:
    """Import ``kode_wilayah,periode,ptsp,pendelegasian`` rows, all or nothing.

    Every problem is collected with its line number (the header is line 1) and raised together
    as :class:`McpError`; nothing is written then. ``kode_wilayah`` is a Kabupaten/Kota code
    (``62.02``) or a province code (``62``) for the provincial government itself.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise McpError([refuse("mcp_not_utf8", position=error.start)]) from error
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise McpError([refuse("mcp_file_empty")]) from None
    missing = [name for name in IMPORT_COLUMNS if name not in header]
    if missing:
        raise McpError(
            [
                refuse(
                    "mcp_columns_missing",
                    missing=", ".join(missing),
                    expected=",".join(IMPORT_COLUMNS),
                )
            ]
        )
    index = {name: header.index(name) for name in IMPORT_COLUMNS}
    targets = _targets(db_session)
    errors: list[WorkflowRefused] = []
    parsed: list[_Parsed] = []
    seen: dict[tuple[str, str], int] = {}
    for line_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            errors.append(refuse("mcp_row_too_long", line=line_no))
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in index.items()}
        row_errors: list[WorkflowRefused] = []
        target = targets.get(cells["kode_wilayah"])
        if target is None:
            row_errors.append(
                refuse("mcp_row_region_unknown", line=line_no, code=cells["kode_wilayah"])
            )
        try:
            period = normalise_period(cells["periode"])
        except BadValue as error:
            row_errors.append(refuse("mcp_row_problem", line=line_no, problem=error.phrase))
            period = ""
        values: dict[str, Decimal | None] = {}
        for column, label in (("ptsp", "ptsp"), ("pendelegasian", "pendelegasian")):
            try:
                values[column] = parse_percent(cells[column])
            except BadValue as error:
                row_errors.append(
                    refuse("mcp_row_labelled", line=line_no, label=label, problem=error.phrase)
                )
        if not row_errors and values["ptsp"] is None and values["pendelegasian"] is None:
            row_errors.append(refuse("mcp_row_empty", line=line_no))
        if target is not None and period:
            first = seen.setdefault((target.code, period), line_no)
            if first != line_no:
                row_errors.append(
                    refuse(
                        "mcp_row_duplicate",
                        line=line_no,
                        code=target.code,
                        period=period,
                        first=first,
                    )
                )
        if row_errors:
            errors.extend(row_errors)
            continue
        assert target is not None
        parsed.append(_Parsed(line_no, target, period, values["ptsp"], values["pendelegasian"]))
    if errors:
        raise McpError(errors)
    if not parsed:
        raise McpError([refuse("mcp_no_rows")])
    report, _written = _write_scores(db_session, parsed, actor)
    audit.record(
        db_session,
        "mcp.import",
        actor=actor,
        object_type="mcp_score",
        details={"rows": report.rows, "created": report.created, "updated": report.updated},
    )
    return report


# --- demo figures ---------------------------------------------------------------------------------

#: The article's late-2019 spread (Kalimantan Tengah). Only Seruyan's 100% PTSP figure and the
#: province's 100% delegation are named there; which other region got which figure is invented
#: for the demo, so these rows carry the period suffix "-DEMO" and never look like real data.
DEMO_FIGURES_2019 = {
    # code: (ptsp, pendelegasian)
    "62": (90, 100),
    "62.01": (85, 100),
    "62.02": (80, 100),
    "62.03": (78, 100),
    "62.04": (76, 100),
    "62.05": (82, 100),
    "62.06": (60, 100),
    "62.07": (100, 100),
    "62.08": (65, 80),
    "62.09": (77, 85),
    "62.10": (55, 75),
    "62.11": (79, 90),
    "62.12": (52, 60),
    "62.13": (88, 40),
    "62.71": (92, 20),
}


def seed_demo_scores(db_session: Session, province_code: str = "62") -> int:
    """The article's late-2019 spread as clearly marked demo rows (period ``2019-10-DEMO``).

    Also an earlier fictitious period (``2019-06-DEMO``) so that the charts show a trend.
    """
    targets = _targets(db_session)
    parsed = []
    for code, (ptsp, delegation) in DEMO_FIGURES_2019.items():
        target = targets.get(code)
        if target is None or target.province_code != province_code:
            continue
        parsed.append(
            _Parsed(0, target, "2019-06" + DEMO_PERIOD_SUFFIX, _earlier(ptsp), _earlier(delegation))
        )
        parsed.append(
            _Parsed(0, target, "2019-10" + DEMO_PERIOD_SUFFIX, Decimal(ptsp), Decimal(delegation))
        )
    if not parsed:
        return 0
    report, _written = _write_scores(db_session, parsed, "demo")
    if report.created:
        audit.record(
            db_session,
            "mcp.import",
            actor="demo",
            object_type="mcp_score",
            details={"rows": report.rows, "created": report.created, "demo": True},
        )
    return report.created


def _earlier(value: int) -> Decimal:
    return Decimal(max(0, value - 15 - value % 7))


def today_period() -> str:
    today = dt.date.today()
    return f"{today.year}-{today.month:02d}"
