"""The customer directory's actions: list, show, add, edit, remove, import, export.

No terminal here: options in, results out; the cli renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ctlsupport.core import customer_files, validate
from ctlsupport.core import customers as rules
from ctlsupport.core.validate import FieldInvalid
from ctlsupport.errors import InvalidInput, NotFound
from ctlsupport.store.customers import Customer, Directory, Server


def directory() -> Directory:
    """The directory in the local database."""
    from ctlsupport.store import db

    return Directory(db.connect())


def _checked(flag: str, check, value: str):  # type: ignore[no-untyped-def]
    """A flag's value through a validator; its problem names the flag."""
    try:
        return check(value)
    except FieldInvalid as exc:
        raise InvalidInput(f"{flag}: {exc}") from None


def _get(book: Directory, alias: str) -> Customer:
    found = book.get(_checked("ALIAS", rules.clean_alias, alias))
    if found is None:
        raise NotFound(
            f"no customer {alias.upper()!r} in the directory",
            hint="`ctlsupport customers list` shows who is there.",
        )
    return found


def list_customers(query: str = "", limit: int = 50) -> list[rules.Match]:
    """The directory, or the customers whose name or alias resembles `query`."""
    return rules.search(directory().all(), query, limit=limit)


def show(alias: str) -> Customer:
    """One customer with their servers."""
    return _get(directory(), alias)


@dataclass
class AddOptions:
    alias: str
    name: str
    server: str = ""
    ip: str = ""
    datacenter: str = ""


def _server(name: str, ip: str, datacenter: str) -> Server:
    """A server from flags; each problem names its flag."""
    return Server(
        _checked("--server", lambda v: validate.server_name(v).upper(), name),
        _checked("--ip", validate.public_ip, ip) if ip.strip() else "",
        _checked("--datacenter", validate.datacenter, datacenter) if datacenter.strip() else "",
    )


def add(opts: AddOptions) -> Customer:
    """A new customer (and maybe their first server); an alias already there is refused."""
    alias = _checked("ALIAS", rules.clean_alias, opts.alias)
    name = _checked("--name", rules.clean_name, opts.name)
    if (opts.ip or opts.datacenter) and not opts.server:
        raise InvalidInput("--ip and --datacenter describe a server: add --server NAME")
    server = _server(opts.server, opts.ip, opts.datacenter) if opts.server else None
    book = directory()
    if book.get(alias) is not None:
        raise InvalidInput(
            f"{alias} is already in the directory",
            hint=f"Change it with `ctlsupport customers edit {alias}`.",
        )
    book.batch([Customer(alias, name, [server] if server else [])])
    return _get(book, alias)


@dataclass
class EditOptions:
    alias: str
    name: str | None = None
    new_alias: str | None = None
    server: str | None = None
    ip: str | None = None
    datacenter: str | None = None
    remove_server: str | None = None


@dataclass
class EditResult:
    customer: Customer
    changes: list[str] = field(default_factory=list)


def edit(opts: EditOptions) -> EditResult:
    """Change a customer: name, alias, one server's IP or data center (added when new),
    or drop a server. Each change is reported, old value and new."""
    book = directory()
    customer = _get(book, opts.alias)
    changes: list[str] = []
    if opts.name is not None:
        name = _checked("--name", rules.clean_name, opts.name)
        if name != customer.name:
            book.put_customer(customer.alias, name)
            changes.append(f"name: {customer.name} -> {name}")
    if (opts.ip or opts.datacenter) and not opts.server:
        raise InvalidInput("--ip and --datacenter change a server: add --server NAME")
    if opts.server:
        changes += _edit_server(book, customer, opts)
    if opts.remove_server:
        if not book.remove_server(customer.alias, opts.remove_server):
            raise NotFound(f"{customer.alias} has no server {opts.remove_server!r}")
        changes.append(f"server {opts.remove_server.upper()} removed")
    if opts.new_alias is not None:
        new = _checked("--alias", rules.clean_alias, opts.new_alias)
        if new != customer.alias:
            if book.get(new) is not None:
                raise InvalidInput(f"--alias: {new} is already in the directory")
            book.rename(customer.alias, new)
            changes.append(f"alias: {customer.alias} -> {new}")
            customer.alias = new
    return EditResult(_get(book, customer.alias), changes)


def _edit_server(book: Directory, customer: Customer, opts: EditOptions) -> list[str]:
    known = customer.server(opts.server or "")
    given = _server(opts.server or "", opts.ip or "", opts.datacenter or "")
    if known is None:
        book.put_server(customer.alias, given)
        return [f"server {given.name} added"]
    merged = Server(known.name, given.ip or known.ip, given.datacenter or known.datacenter)
    book.put_server(customer.alias, merged)
    changes = []
    for what in ("ip", "datacenter"):
        old, new = getattr(known, what), getattr(merged, what)
        if old != new:
            changes.append(f"{known.name} {what}: {old or '(none)'} -> {new}")
    return changes


def remove(alias: str) -> Customer:
    """Forget a customer and their servers; what was removed comes back."""
    book = directory()
    customer = _get(book, alias)
    book.remove(customer.alias)
    return customer


@dataclass
class ImportOptions:
    path: str
    fmt: str | None = None
    update: bool = False  # take the file's value where it differs from the directory's


@dataclass
class ImportResult:
    path: str
    customers_added: list[str] = field(default_factory=list)
    servers_added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def import_file(opts: ImportOptions) -> ImportResult:
    """Merge a CSV or TOML file into the directory: every row, or (on any bad row or an
    unconfirmed change) none."""
    fmt = customer_files.format_of(opts.path, opts.fmt)
    try:
        text = Path(opts.path).expanduser().read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {opts.path}: {exc}") from None
    rows = customer_files.read(text, fmt)
    book = directory()
    known = {c.alias: c for c in book.all()}
    result = ImportResult(opts.path)
    conflicts = []
    for row in rows:
        found = known.get(row.alias)
        changes = [rules.name_change(found, row.name)]
        if row.server is not None and found is not None:
            changes += rules.server_changes(row.alias, found.server(row.server.name), row.server)
        for change in filter(None, changes):
            line = f"line {row.line}: {change.describe()}"
            conflicts.append(line) if not opts.update else result.changed.append(line)
    if conflicts:
        raise InvalidInput(
            f"{len(conflicts)} value(s) differ from the directory, nothing imported: "
            + "; ".join(conflicts),
            hint="Pass --update to take the file's values.",
            details={"conflicts": conflicts},
        )
    merged = _merge(known, customer_files.group(rows), result)
    book.batch(merged)
    return result


def _merge(
    known: dict[str, Customer], incoming: list[Customer], result: ImportResult
) -> list[Customer]:
    """The file's customers, with the directory's values where the file leaves a blank."""
    for customer in incoming:
        old = known.get(customer.alias)
        if old is None:
            result.customers_added.append(customer.alias)
        for server in customer.servers:
            before = old.server(server.name) if old else None
            if before is None:
                result.servers_added.append(f"{customer.alias} {server.name}")
                continue
            server.ip = server.ip or before.ip
            server.datacenter = server.datacenter or before.datacenter
    return incoming


def export(fmt: str) -> str:
    """The whole directory as CSV or TOML text."""
    if fmt not in customer_files.FORMATS:
        raise InvalidInput(f"--format must be one of {', '.join(customer_files.FORMATS)}")
    return customer_files.write(directory().all(), fmt)
