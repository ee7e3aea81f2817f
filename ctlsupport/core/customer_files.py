"""The customer directory as a file a team shares: CSV or TOML, in and out.

CSV: one row per server (`alias,name,server,ip,datacenter`, header first); a customer
with no servers is one row with the server columns empty. TOML: `[[customers]]` tables
with `alias`, `name` and `[[customers.servers]]` (`name`, `ip`, `datacenter`).
Reading checks every row and names each bad one with its line; nothing is returned
(so nothing is imported) while any row is bad.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ctlsupport.core import customers as rules
from ctlsupport.core.validate import FieldInvalid
from ctlsupport.errors import InvalidInput
from ctlsupport.store.customers import Customer, Server

FORMATS = ("csv", "toml")
CSV_COLUMNS = ("alias", "name", "server", "ip", "datacenter")


@dataclass(frozen=True)
class Row:
    """One customer (and maybe one server) as a file states it, with its line."""

    line: int
    alias: str
    name: str
    server: Server | None


def format_of(path: str, given: str | None) -> str:
    """The file format: as given, else from the file name's extension."""
    suffix = path.rsplit(".", 1)[-1] if "." in path else ""
    chosen = (given or suffix).lower()
    if chosen not in FORMATS:
        raise InvalidInput(
            f"cannot tell the format of {path!r}",
            hint="Name the file .csv or .toml, or pass --format csv|toml.",
        )
    return chosen


def read(text: str, fmt: str) -> list[Row]:
    """Every row of a file, validated; InvalidInput names each bad row by its line."""
    raw = _csv_rows(text) if fmt == "csv" else _toml_rows(text)
    rows, problems = [], []
    for line, values in raw:
        try:
            rows.append(_row(line, values))
        except FieldInvalid as exc:
            problems.append(f"line {line}: {exc}")
    problems += _contradictions(rows)
    if problems:
        raise InvalidInput(
            f"{len(problems)} bad row(s), nothing imported: " + "; ".join(problems),
            hint="Fix those lines and import the file again.",
            details={"problems": problems},
        )
    return rows


def _row(line: int, values: dict[str, str]) -> Row:
    if "_extra" in values:
        raise FieldInvalid(f"more cells than the {len(CSV_COLUMNS)} columns of the header")
    alias = rules.clean_alias(values.get("alias", ""))
    name = rules.clean_name(values.get("name", ""))
    server_name = values.get("server", "").strip()
    if not server_name:
        if values.get("ip", "").strip() or values.get("datacenter", "").strip():
            raise FieldInvalid("an IP or data center without a server name")
        return Row(line, alias, name, None)
    server = rules.clean_server(server_name, values.get("ip", ""), values.get("datacenter", ""))
    return Row(line, alias, name, server)


def _contradictions(rows: list[Row]) -> list[str]:
    """Rows of one file that disagree with an earlier row of the same file."""
    names: dict[str, Row] = {}
    servers: dict[tuple[str, str], Row] = {}
    problems = []
    for row in rows:
        first = names.setdefault(row.alias, row)
        if first.name != row.name:
            problems.append(
                f"line {row.line}: {row.alias} is named {row.name!r} here "
                f"but {first.name!r} on line {first.line}"
            )
        if row.server is not None:
            earlier = servers.setdefault((row.alias, row.server.name), row)
            if earlier is not row and earlier.server != row.server:
                problems.append(
                    f"line {row.line}: {row.server.name} differs from line {earlier.line}"
                )
    return problems


def group(rows: list[Row]) -> list[Customer]:
    """Rows as customers with their servers, in file order."""
    out: dict[str, Customer] = {}
    for row in rows:
        customer = out.setdefault(row.alias, Customer(row.alias, row.name))
        if row.server is not None and customer.server(row.server.name) is None:
            customer.servers.append(row.server)
    return list(out.values())


def _csv_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    import csv
    import io

    # newline="": the csv module finds the line ends itself (also inside quoted cells).
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))  # a spreadsheet's BOM
    try:
        return _csv_read(reader)
    except csv.Error as exc:
        raise InvalidInput(f"line {reader.line_num}: not CSV: {exc}") from None


def _csv_read(reader) -> list[tuple[int, dict[str, str]]]:  # type: ignore[no-untyped-def]
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in ("alias", "name") if c not in header]
    unknown = [h for h in header if h and h not in CSV_COLUMNS]
    if missing or unknown:
        said = f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(unknown)}"
        raise InvalidInput(
            f"line 1: the header must name the columns {','.join(CSV_COLUMNS)} ({said})"
        )
    out = []
    start = reader.line_num
    for cells in reader:
        line, start = start + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            out.append((line, {"alias": "", "_extra": "1"}))
            continue
        out.append((line, dict(zip(header, cells, strict=False))))
    return out


_CUSTOMER = re.compile(r"^\s*\[\[\s*customers\s*\]\]", re.MULTILINE)


def _line_of(lines: list[str], value: str, start: int) -> int:
    """The 1-based line, from `start` on, where `value` first appears quoted; else start."""
    quoted = (f'"{value}"', f"'{value}'")
    for index in range(max(start - 1, 0), len(lines)):
        if any(q in lines[index] for q in quoted):
            return index + 1
    return start


def _toml_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """TOML tables as rows, each with the line it starts on (tomllib keeps no positions:
    a customer is the n-th `[[customers]]` header, a server the line naming it)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"invalid TOML: {exc}") from None
    lines = text.splitlines()
    headers = iter([text.count("\n", 0, m.start()) + 1 for m in _CUSTOMER.finditer(text)])
    out = []
    customers = data.get("customers", [])
    for customer in customers if isinstance(customers, list) else [customers]:
        line = next(headers, 0)
        if not isinstance(customer, dict):
            out.append((line, {}))
            continue
        base = {k: str(customer.get(k, "")) for k in ("alias", "name")}
        line = line or _line_of(lines, base["alias"], 1)
        servers = customer.get("servers", [])
        if not servers or not isinstance(servers, list):
            out.append((line, base))
            continue
        for server in servers:
            fields = server if isinstance(server, dict) else {}
            name = str(fields.get("name", ""))
            where = _line_of(lines, name, line) if name else line
            extra = {"server": name, "ip": str(fields.get("ip", ""))}
            extra["datacenter"] = str(fields.get("datacenter", ""))
            out.append((where, {**base, **extra}))
    return out


def write(customers: list[Customer], fmt: str) -> str:
    """The directory as CSV or TOML text, read back the same by `read`."""
    if fmt == "toml":
        import tomli_w

        document = {
            "customers": [
                {
                    "alias": c.alias,
                    "name": c.name,
                    "servers": [
                        {"name": s.name, "ip": s.ip, "datacenter": s.datacenter} for s in c.servers
                    ],
                }
                for c in customers
            ]
        }
        return tomli_w.dumps(document)
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in customers:
        for s in c.servers or [Server("")]:
            writer.writerow([c.alias, c.name, s.name, s.ip, s.datacenter])
    return buffer.getvalue()
