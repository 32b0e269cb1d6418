"""Where the fake Magento keeps its orders: each one compressed, with indexes on the fields orders are found by.

An order is a nested entity of some sixty fields (items, addresses, payment, shipping assignments). Held
as Python dicts it takes about 6 KB; here each order is kept as its pickle, deflated with a preset
dictionary (the first order stored: later orders share most of its keys and values), which takes a few
hundred bytes. Reading an order builds a new dict from that, so a caller never holds the stored state:
:meth:`OrderStore.put` is the only way to change an order. Pickling keeps every value's type, the key
order and the objects an order shares (its items are also its shipping assignment's items), so what
comes back is what went in.

Indexes on increment ID, ``ext_order_id`` and ``payment.po_number`` map MySQL's case-insensitive text of
each value (:func:`~simulators.magento.search.text_key`) to the IDs of the orders holding it, so a look-up
costs the same however many orders are stored.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

from simulators.magento.search import text_key

INDEXED = ("increment_id", "ext_order_id", "po_number")
_LEVEL = 1
_WBITS = -15  # raw deflate: no header or checksum, the store holds the bytes it wrote


def indexed_value(order: dict[str, Any], name: str) -> Any:
    """The value an index keeps for an order (``po_number`` lives in its payment)."""
    return (order.get("payment") or {}).get("po_number") if name == "po_number" else order.get(name)


class OrderStore(Mapping[int, dict[str, Any]]):
    """Orders by entity ID, in the order they were first stored; reading one gives a fresh copy."""

    def __init__(self) -> None:
        self._blobs: dict[int, bytes] = {}
        self._index: dict[str, dict[str, tuple[int, ...]]] = {name: {} for name in INDEXED}
        self._preset = b""
        self._packer: Any = None  # a compressor primed with ``_preset``, copied for each order

    # -- the mapping ------------------------------------------------------------------------------------
    def __getitem__(self, entity_id: int) -> dict[str, Any]:
        return self._decode(self._blobs[entity_id])

    def __iter__(self) -> Iterator[int]:
        return iter(self._blobs)

    def __reversed__(self) -> Iterator[int]:
        return reversed(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._blobs

    # -- writing ----------------------------------------------------------------------------------------
    def put(self, order: dict[str, Any]) -> None:
        """Store the order under its ``entity_id`` (new or replacing), and keep the indexes current."""
        entity_id = int(order["entity_id"])
        old = self._blobs.get(entity_id)
        if old is not None:
            self._unindex(entity_id, self._decode(old))
        self._blobs[entity_id] = self._encode(order)
        self._reindex(entity_id, order)

    def _encode(self, order: dict[str, Any]) -> bytes:
        data = pickle.dumps(order, protocol=pickle.HIGHEST_PROTOCOL)
        if self._packer is None:
            self._preset = data[-32768:]  # deflate's window: the first order is every later one's dictionary
            self._packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, _WBITS, zdict=self._preset)
        packer = self._packer.copy()  # primed with the dictionary once, not per order
        return packer.compress(data) + packer.flush()

    def _decode(self, blob: bytes) -> dict[str, Any]:
        unpacker = zlib.decompressobj(_WBITS, zdict=self._preset)
        order: dict[str, Any] = pickle.loads(unpacker.decompress(blob) + unpacker.flush())
        return order

    # -- indexes ----------------------------------------------------------------------------------------
    def _reindex(self, entity_id: int, order: dict[str, Any]) -> None:
        for name in INDEXED:
            value = indexed_value(order, name)
            if value not in (None, ""):
                bucket = self._index[name]
                key = text_key(value)
                held = bucket.get(key, ())
                if entity_id not in held:
                    bucket[key] = (*held, entity_id)

    def _unindex(self, entity_id: int, order: dict[str, Any]) -> None:
        for name in INDEXED:
            value = indexed_value(order, name)
            if value not in (None, ""):
                bucket = self._index[name]
                key = text_key(value)
                rest = tuple(i for i in bucket.get(key, ()) if i != entity_id)
                if rest:
                    bucket[key] = rest
                else:
                    bucket.pop(key, None)

    def ids_for(self, name: str, value: Any) -> set[int]:
        """IDs of the orders whose indexed field ``name`` equals ``value`` as MySQL compares text."""
        return set(self._index[name].get(text_key(value), ()))


__all__ = ["INDEXED", "OrderStore", "indexed_value"]
