"""The fast path's one internal signal: "not with certainty; let the pyld path decide"."""

from __future__ import annotations

__all__ = ["Unsupported"]


class Unsupported(Exception):
    """The document uses something the fast path does not handle with certainty.

    Never escapes :mod:`microcred._canon`: it falls back to the pyld path, which either
    produces the dataset or raises the proper typed error (undefined term, relative IRI, ...).
    """
