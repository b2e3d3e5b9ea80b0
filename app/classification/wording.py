"""Each source's own bank wording, learned from its rows and kept on its connection.

A bank wraps every merchant in wording of its own ("Online Transfer Debit ... Date"), which
hides the vendor behind it from recognition. :func:`classifiers.boilerplate.learn` finds the
words a source repeats on most of its descriptors; this module learns them per connection from
the rows at hand (a file's own rows, a sync's first page) and the connection's stored ones,
keeps them on ``connections.boilerplate`` (migration 0012), and hands them to whoever
classifies that connection's rows (import, sync, re-classification), so every path reads a
descriptor the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from app.errors import NotFound
from app.models import Connection, Transaction
from classifiers import Catalog
from classifiers import boilerplate as boilerplate_lib

# Descriptors read to learn a source's wording (the library reads no more).
SAMPLE = 5000


def _stored_descriptors(session: Session, connection_id: int, limit: int) -> list[str]:
    """The connection's newest stored descriptors (not removed), newest first."""
    stmt = (
        select(Transaction.descriptor)
        .where(
            col(Transaction.connection_id) == connection_id,
            col(Transaction.removed_at).is_(None),
        )
        .order_by(col(Transaction.id).desc())
        .limit(limit)
    )
    return list(session.exec(stmt))


def learn(
    session: Session,
    connection: Connection,
    catalog: Catalog,
    incoming: Iterable[str] = (),
) -> frozenset[str]:
    """Learn the connection's wording from ``incoming`` descriptors (first) and its stored ones,
    store it on the connection (not committed) and return it.

    Each distinct descriptor counts once: a merchant charged every month with the same line
    is one merchant, not a habit of the bank's, while the bank's wording recurs across
    different merchants."""
    assert connection.id is not None
    sample = list(dict.fromkeys(d for d in incoming if d))
    if len(sample) < SAMPLE:
        sample += _stored_descriptors(session, connection.id, SAMPLE)
    words = learn_from(sample, catalog)
    stored = sorted(words)
    if connection.boilerplate != stored:
        connection.boilerplate = stored
        session.add(connection)
    return words


def learn_from(descriptors: Iterable[str], catalog: Catalog) -> frozenset[str]:
    """The wording of one source's descriptors, each distinct one counted once (see
    :func:`learn`); the first :data:`SAMPLE` distinct ones are read."""
    sample = list(dict.fromkeys(d for d in descriptors if d))[:SAMPLE]
    return boilerplate_lib.learn(sample, catalog, sample=SAMPLE)


def of_connection(session: Session, connection_id: int | None, catalog: Catalog) -> frozenset[str]:
    """One connection's stored wording (none for ``None``); raises NotFound for an unknown id.
    Nothing is stored: a connection never learned answers what its rows would teach."""
    if connection_id is None:
        return frozenset()
    connection = session.get(Connection, connection_id)
    if connection is None:
        raise NotFound(f"connection {connection_id} does not exist")
    if connection.boilerplate is not None:
        return frozenset(connection.boilerplate)
    return learn_from(_stored_descriptors(session, connection_id, SAMPLE), catalog)


def of_connections(session: Session, catalog: Catalog) -> dict[int, frozenset[str]]:
    """Every connection's stored wording; one never learned (its rows came before wording
    was kept) learns it from its stored rows now."""
    out: dict[int, frozenset[str]] = {}
    for connection in session.exec(select(Connection)):
        assert connection.id is not None
        if connection.boilerplate is None:
            out[connection.id] = learn(session, connection, catalog)
        else:
            out[connection.id] = frozenset(connection.boilerplate)
    return out
