"""The customer directory in the local database: customers, and their servers.

Values are stored as given; the rules (what is valid, when an IP may change) live in
core/customers.py. Only `remember_ticket` writes on its own, and it only adds: a value
already in the directory is never replaced by it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from ctlsupport.store.db import stamp


@dataclass
class Server:
    """One of a customer's servers."""

    name: str
    ip: str = ""
    datacenter: str = ""


@dataclass
class Customer:
    """A customer of the partner, as the provider knows them (account alias)."""

    alias: str
    name: str
    servers: list[Server] = field(default_factory=list)
    last_used: str | None = None

    def server(self, name: str) -> Server | None:
        """The server called `name` (case-insensitive), if the customer has it."""
        wanted = name.upper()
        return next((s for s in self.servers if s.name.upper() == wanted), None)


class Directory:
    """Read and write the directory; several writes go in one transaction via `batch`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def all(self) -> list[Customer]:
        """Every customer with their servers, most recently used first, then by alias."""
        customers = {
            row["alias"]: Customer(row["alias"], row["name"], last_used=row["last_used"])
            for row in self.conn.execute(
                "SELECT alias, name, last_used FROM customers "
                "ORDER BY last_used IS NULL, last_used DESC, alias"
            )
        }
        for row in self.conn.execute(
            "SELECT alias, name, ip, datacenter FROM customer_servers "
            "ORDER BY last_used IS NULL, last_used DESC, name"
        ):
            customers[row["alias"]].servers.append(
                Server(row["name"], row["ip"], row["datacenter"])
            )
        return list(customers.values())

    def get(self, alias: str) -> Customer | None:
        """One customer by alias (case-insensitive), or None."""
        row = self.conn.execute(
            "SELECT alias, name, last_used FROM customers WHERE alias = ?", (alias.upper(),)
        ).fetchone()
        if row is None:
            return None
        customer = Customer(row["alias"], row["name"], last_used=row["last_used"])
        customer.servers = [
            Server(r["name"], r["ip"], r["datacenter"])
            for r in self.conn.execute(
                "SELECT name, ip, datacenter FROM customer_servers WHERE alias = ? "
                "ORDER BY last_used IS NULL, last_used DESC, name",
                (customer.alias,),
            )
        ]
        return customer

    def put_customer(self, alias: str, name: str) -> None:
        """Add a customer, or set the name of one already there."""
        now = stamp()
        self.conn.execute(
            """INSERT INTO customers (alias, name, created_at, updated_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (alias) DO UPDATE SET name = excluded.name,
                   updated_at = excluded.updated_at""",
            (alias, name, now, now),
        )

    def put_server(self, alias: str, server: Server) -> None:
        """Add a server to a customer, or set its IP and data center."""
        now = stamp()
        self.conn.execute(
            """INSERT INTO customer_servers (alias, name, ip, datacenter, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (alias, name) DO UPDATE SET ip = excluded.ip,
                   datacenter = excluded.datacenter, updated_at = excluded.updated_at""",
            (alias, server.name, server.ip, server.datacenter, now, now),
        )

    def rename(self, alias: str, new_alias: str) -> None:
        """Give a customer another alias; the servers follow (ON UPDATE CASCADE)."""
        self.conn.execute(
            "UPDATE customers SET alias = ?, updated_at = ? WHERE alias = ?",
            (new_alias, stamp(), alias),
        )

    def remove(self, alias: str) -> bool:
        """Forget a customer and their servers; False when there was none."""
        cursor = self.conn.execute("DELETE FROM customers WHERE alias = ?", (alias,))
        return cursor.rowcount > 0

    def remove_server(self, alias: str, name: str) -> bool:
        cursor = self.conn.execute(
            "DELETE FROM customer_servers WHERE alias = ? AND upper(name) = upper(?)",
            (alias, name),
        )
        return cursor.rowcount > 0

    def used(self, alias: str, server: str = "") -> None:
        """A ticket was opened for this customer (and server): they come first next time."""
        now = stamp()
        self.conn.execute("UPDATE customers SET last_used = ? WHERE alias = ?", (now, alias))
        if server:
            self.conn.execute(
                "UPDATE customer_servers SET last_used = ? WHERE alias = ? AND name = ?",
                (now, alias, server),
            )

    def batch(self, customers: Iterable[Customer]) -> None:
        """Write many customers (and their servers) at once: all of them, or none."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for customer in customers:
                self.put_customer(customer.alias, customer.name)
                for server in customer.servers:
                    self.put_server(customer.alias, server)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def remember_ticket(self, alias: str, name: str, server: str, ip: str, datacenter: str) -> None:
        """What a ticket says about its customer and server, added where the directory
        has nothing yet; a value already there stays (an IP that changed is the open
        flow's question, never decided here)."""
        if not alias:
            return
        now = stamp()
        self.conn.execute(
            "INSERT INTO customers (alias, name, created_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (alias) DO NOTHING",
            (alias, name or alias, now, now),
        )
        if server:
            self.conn.execute(
                """INSERT INTO customer_servers
                       (alias, name, ip, datacenter, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (alias, name) DO UPDATE SET
                       ip = CASE WHEN customer_servers.ip = '' THEN excluded.ip
                                 ELSE customer_servers.ip END,
                       datacenter = CASE WHEN customer_servers.datacenter = ''
                                         THEN excluded.datacenter
                                         ELSE customer_servers.datacenter END""",
                (alias, server, ip, datacenter, now, now),
            )
        self.used(alias, server)
