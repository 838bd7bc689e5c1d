"""The properties the checks read by name must be written by that name.

A Data Integrity proof signs the credential's RDF, not its JSON; the checks (validity dates,
status, endorsements, schemas, proof options, presented credentials) read JSON keys. JSON-LD
has other spellings of the same statement — the full IRI as a key, a compact IRI, a new term
in an inline context, ``@nest``, ``@included``, ``@reverse``, ``@graph`` — that leave the
signature valid and the key absent: an expired or revoked credential would verify. So each
property below must be written as its term, and those keywords are refused; both JSON-LD
paths (:mod:`microcred._fastld`, and :mod:`microcred._lossless` before pyld) apply the rule.
"""

from __future__ import annotations

from .errors import MalformedCredential

__all__ = [
    "GUARDED",
    "HIDING_KEYWORDS",
    "HiddenProperty",
    "check_spelling",
    "hiding_keyword",
    "may_stand_for",
    "splits_a_name",
]

_CRED = "https://www.w3.org/2018/credentials#"
_SEC = "https://w3id.org/security#"
_OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"

#: IRI -> the one term that may write it.
GUARDED: dict[str, str] = {
    **{
        _CRED + name: name
        for name in (
            *("validFrom", "validUntil", "issuanceDate", "expirationDate", "issuer"),
            *("holder", "credentialSubject", "credentialStatus", "credentialSchema"),
            *("refreshService", "verifiableCredential"),
        )
    },
    **{
        _SEC + name: name
        for name in ("proof", "proofPurpose", "verificationMethod", "challenge", "domain")
    },
    _SEC + "previousProof": "previousProof",
    _SEC + "cryptosuite": "cryptosuite",
    _SEC + "expiration": "expires",
    "http://purl.org/dc/terms/created": "created",
    _OB + "endorsement": "endorsement",
    _OB + "endorsementJwt": "endorsementJwt",
}

#: Keywords that move statements away from the keys the checks read (or merge nodes).
HIDING_KEYWORDS = frozenset({"@nest", "@included", "@reverse", "@graph"})

_ENDINGS = tuple(f"{sep}{name}" for name in set(GUARDED.values()) for sep in ":#/")


class HiddenProperty(MalformedCredential):
    """A property the checks read, or a keyword, in a form that would hide it from them."""


def check_spelling(key: str, iri: str | None, pointer: str = "") -> None:
    """Raise unless ``key`` is the term that must write ``iri`` (nothing to check for None, or
    an IRI that no check reads)."""
    term = GUARDED.get(iri) if iri is not None else None
    if term is None or term == key:
        return
    spelling = "its full IRI" if key == iri else f"{key!r:.80}"
    raise HiddenProperty(
        f"{term} ({iri}) is written as {spelling}; write it as the term {term!r}: the checks "
        "read that term, and another spelling would keep it from them while the proof still "
        "holds",
        pointer=pointer,
    )


def hiding_keyword(key: str, keyword: str, pointer: str = "") -> HiddenProperty:
    named = keyword if key == keyword else f"{key!r:.80} (an alias of {keyword})"
    return HiddenProperty(
        f"{named} is not accepted in a credential: it states properties away from where the "
        "checks read them; write them as plain properties of their node",
        pointer=pointer,
    )


def may_stand_for(text: str) -> str | None:
    """The guarded IRI that a key or IRI text could spell, judged without a context.

    For pyld's documents, whose contexts the fast path did not process: an absolute IRI, a
    compact IRI or a relative one against ``@vocab`` that ends in a guarded term's name (after
    ``:``, ``#`` or ``/``) may be that property, and is refused (a false alarm costs an error,
    not a forgery).
    """
    if text in GUARDED:
        return text
    if text.endswith(_ENDINGS):
        name = text.rsplit("/", 1)[-1].rsplit("#", 1)[-1].rsplit(":", 1)[-1]
        return next(iri for iri, term in GUARDED.items() if term == name)
    return None


def splits_a_name(iri: str) -> bool:
    """Whether a prefix or ``@vocab`` IRI ends inside a guarded IRI's name (``...#valid``):
    then a key such as ``p:Until`` spells a guarded property with no tell-tale ending."""
    return any(g.startswith(iri) and g != iri and iri[-1:] not in ("#", "/") for g in GUARDED)
