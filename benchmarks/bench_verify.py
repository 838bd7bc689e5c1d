"""Throughput of microcred against the plain pyld + pynacl path, measured in the same run.

Run by hand (not a test):  python benchmarks/bench_verify.py [--rounds 5] [--batch 100000]

These machines drift by up to 2x over seconds, so absolute numbers mean little: the two paths
are interleaved round by round and the ratio is reported per round. Sections:

  verify   eddsa-rdfc-2022 / Ed25519Signature2020 / VC-JWT, small, medium, large credentials
  issue    signing throughput next to verification
  jwt      VC-JWT verification against the raw signature cost
  startup  import + first verification in a fresh process
  batch    peak memory of one streamed batch, and 1 vs 2 worker processes
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import nacl.signing

import microcred
from microcred import Ed25519Key
from microcred._multibase import decode_multibase
from microcred.loaders import bundled_loader

KEY = Ed25519Key.from_seed(hashlib.sha256(b"microcred benchmark").digest())
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def credential(
    alignments: int, results: int, *, extra_context: tuple[str, ...] = ()
) -> dict[str, Any]:
    """An OB 3.0 badge: issuer Profile, AchievementSubject, Achievement with criteria and image."""
    descriptions = [
        {
            "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
            "type": ["ResultDescription"],
            "name": f"Outcome {i}",
            "resultType": "LetterGrade",
        }
        for i in range(results)
    ]
    achievement: dict[str, Any] = {
        "id": "https://bench.example/achievements/1",
        "type": ["Achievement"],
        "name": "Benchmarking",
        "description": "Measures throughput honestly.",
        "criteria": {"narrative": "Ran the benchmark."},
        "image": {"id": "https://bench.example/badge.png", "type": "Image"},
    }
    if alignments:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": f"Skill {i}",
                "targetUrl": f"https://skills.example/{i}",
                "targetType": "CFItem",
            }
            for i in range(alignments)
        ]
    if results:
        achievement["resultDescription"] = descriptions
    subject: dict[str, Any] = {
        "id": "did:example:learner",
        "type": ["AchievementSubject"],
        "achievement": achievement,
    }
    if results:
        subject["result"] = [
            {"type": ["Result"], "resultDescription": d["id"], "value": "A"} for d in descriptions
        ]
    return {
        "@context": [*CONTEXT, *extra_context],
        "id": "urn:uuid:3f1d5b2a-7c4e-4a8b-9d6f-1e2c3b4a5d6e",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": KEY.did, "type": ["Profile"], "name": "Bench University"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Benchmarking",
        "credentialSubject": subject,
    }


SIZES = {"small": (0, 0), "medium": (10, 10), "large": (50, 50)}


# -- the plain path: pyld's URDNA2015 + sha256 + pynacl, what a straightforward verifier does --


def _pyld_canon(document: dict[str, Any]) -> bytes:
    # imported here: batch workers are spawned and import this module again, and their
    # start-up should be the library's, not pyld's
    from pyld import jsonld

    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": bundled_loader,
        "base": None,
    }
    return jsonld.normalize(document, options).encode()  # type: ignore[no-any-return]


def plain_verify(signed: dict[str, Any]) -> bool:
    proof = signed["proof"]
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = signed["@context"]
    data = (
        hashlib.sha256(_pyld_canon(config)).digest()
        + hashlib.sha256(_pyld_canon(unsecured)).digest()
    )
    public = decode_multibase(proof["verificationMethod"].split("#")[1])[2:]
    try:
        nacl.signing.VerifyKey(public).verify(data, decode_multibase(proof["proofValue"]))
    except Exception:
        return False
    return True


def rate(seconds: float, fn: Callable[..., object], *args: Any) -> float:
    """Calls per second of ``fn(*args)`` over about ``seconds``."""
    count, start = 0, time.perf_counter()
    while True:
        fn(*args)
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return count / elapsed


def paired(
    seconds: float, first: Callable[[], object], second: Callable[[], object]
) -> tuple[float, float]:
    """Calls per second of ``first`` and of ``second``, measured over about ``seconds`` in all.

    The two alternate in slices of about 10 ms each, so that drift of the machine over seconds
    falls on both alike; each side's time is summed over its slices.
    """
    sizes, spent = [], [0.0, 0.0]
    for fn in (first, second):  # calls per slice, from one call each
        start = time.perf_counter()
        fn()
        sizes.append(max(1, int(0.01 / max(time.perf_counter() - start, 1e-7))))
    calls = [0, 0]
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for side, fn in enumerate((first, second)):
            start = time.perf_counter()
            for _ in range(sizes[side]):
                fn()
            spent[side] += time.perf_counter() - start
            calls[side] += sizes[side]
    return calls[0] / spent[0], calls[1] / spent[1]


def section_verify(rounds: int, seconds: float) -> None:
    print("\n== verify (per second, one core; ratio = microcred / plain pyld+pynacl, per round)")
    verifier = microcred.Verifier(offline=True)
    for size, (alignments, results) in SIZES.items():
        doc = credential(alignments, results)
        signed = microcred.issue(doc, KEY)
        legacy = microcred.issue(
            credential(
                alignments,
                results,
                extra_context=("https://w3id.org/security/suites/ed25519-2020/v1",),
            ),
            KEY,
            suite="Ed25519Signature2020",
        )
        token = microcred.issue_jwt(doc, KEY)
        for ok in (
            plain_verify(signed),
            *(verifier.check(x).verified for x in (signed, legacy, token)),
        ):
            assert ok, "the benchmark credentials must verify"
        quads = len(
            microcred._canon.canonize(
                {k: v for k, v in signed.items() if k != "proof"}
            ).splitlines()
        )
        ratios = []
        for r in range(rounds):
            plain, ours = paired(
                2 * seconds, partial(plain_verify, signed), partial(verifier.check, signed)
            )
            ratios.append(ours / plain)
            print(
                f"  {size:6} ({quads:3} quads) round {r + 1}: eddsa-rdfc-2022 {ours:8.0f}/s  "
                f"plain {plain:6.0f}/s  ratio {ours / plain:5.1f}x"
            )
        legacy_rate = rate(seconds, verifier.check, legacy)
        jwt_rate = rate(seconds, verifier.check, token)
        print(
            f"  {size:6} median ratio {statistics.median(ratios):5.1f}x; "
            f"Ed25519Signature2020 {legacy_rate:8.0f}/s; VC-JWT {jwt_rate:8.0f}/s"
        )


def section_issue(rounds: int, seconds: float) -> None:
    print("\n== issue vs verify (per second; issue/verify per round)")
    verifier = microcred.Verifier(offline=True)
    for size, (alignments, results) in SIZES.items():
        doc = credential(alignments, results)
        signed = microcred.issue(doc, KEY)
        ratios = []
        for _ in range(rounds):
            issue_rate, verify_rate = paired(
                seconds, partial(microcred.issue, doc, KEY), partial(verifier.check, signed)
            )
            ratios.append(issue_rate / verify_rate)
        print(
            f"  {size:6} issue {issue_rate:8.0f}/s   verify {verify_rate:8.0f}/s   "
            f"issue/verify per round {' '.join(f'{r:4.2f}' for r in ratios)}  "
            f"median {statistics.median(ratios):4.2f}"
        )


def section_jwt(rounds: int, seconds: float) -> None:
    print("\n== VC-JWT verification vs the raw signature (cost ratio per round; target <= 2)")
    verifier = microcred.Verifier(offline=True)
    doc = credential(0, 0)
    for name, key in (
        ("EdDSA", KEY),
        ("ES256", microcred.ECKey.generate()),
        ("RS256", microcred.RSAKey.generate()),
    ):
        token = microcred.issue_jwt(doc, key, embed_jwk=name != "EdDSA")
        head, body, sig = token.split(".")
        signing_input = f"{head}.{body}".encode()
        signature = microcred._multibase.b64url_decode(sig)
        trusted = microcred.Verifier(offline=True, trust_embedded_keys=True)
        check = trusted if name != "EdDSA" else verifier
        assert check.check(token).verified
        assert key.verify(signing_input, signature)
        ratios = []
        for _ in range(rounds):
            full, raw = paired(
                seconds, partial(check.check, token), partial(key.verify, signing_input, signature)
            )
            ratios.append(raw / full)
        print(
            f"  {name}: raw verify {raw:8.0f}/s   VC-JWT check {full:8.0f}/s   cost ratio per "
            f"round {' '.join(f'{r:4.2f}' for r in ratios)}  "
            f"median {statistics.median(ratios):4.2f}x"
        )


def _byte_compile() -> None:
    """Write the package's bytecode, as ``pip install`` does; an editable checkout run with
    PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module in every fresh process."""
    package = os.path.dirname(microcred.__file__)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], env=env, check=True)


def section_startup() -> None:
    print("\n== first call in a fresh process (import + first verification of a small badge)")
    _byte_compile()
    signed = json.dumps(microcred.issue(credential(0, 0), KEY))
    code = (
        "import sys, time; t = time.perf_counter(); import microcred; "
        "r = microcred.check(sys.stdin.read(), offline=True); "
        "print((time.perf_counter() - t) * 1000, r.verified)"
    )
    samples = []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code], input=signed, capture_output=True, text=True, check=True
        ).stdout.split()
        samples.append(float(out[0]))
    print(
        f"  median {statistics.median(samples):6.1f} ms  (runs: "
        f"{', '.join(f'{s:.0f}' for s in samples)} ms)"
    )


def _stream(signed: dict[str, Any], n: int) -> Iterator[dict[str, Any]]:
    for _ in range(n):
        yield copy.copy(signed)  # a fresh top-level object each time, as read from a file


def section_batch(n: int, rounds: int) -> None:
    print(f"\n== batch: {n} credentials streamed through verify_many")
    signed = microcred.issue(credential(0, 0), KEY)
    verifier = microcred.Verifier(offline=True)
    start = time.perf_counter()
    ok = sum(r.verified for r in verifier.verify_many(_stream(signed, n)))
    elapsed = time.perf_counter() - start
    peak_mb = _peak_rss_mb()
    print(
        f"  1 worker: {ok}/{n} verified in {elapsed:6.1f} s ({n / elapsed:7.0f}/s), "
        f"peak RSS {peak_mb:6.1f} MB"
    )
    # Scaling, in batches of `part` credentials whose reports are consumed as they come (as
    # the CLI does). The verifier keeps its worker process from one batch to the next: the
    # first 2-worker batch includes starting it, the later ones are what a service verifying
    # batch after batch gets. 1 and 2 workers alternate, each first in turn, so that a
    # drifting machine favours neither.
    part = min(n, 20_000)
    starting = _batch_rate(verifier, signed, part, 2)
    cold = starting / _batch_rate(verifier, signed, part, 1)
    ratios = []
    for r in range(2 * rounds):
        rates = {w: _batch_rate(verifier, signed, part, w) for w in ((1, 2), (2, 1))[r % 2]}
        ratios.append(rates[2] / rates[1])
    verifier.close()
    print(
        f"  2 workers / 1 worker, batches of {part}: first batch (starting the worker) {cold:4.2f}x"
    )
    print(
        f"  later batches, per round: {' '.join(f'{r:4.2f}' for r in ratios)}  "
        f"median {statistics.median(ratios):4.2f}x"
    )
    print(f"  the machine's own ceiling: two independent processes {_ceiling():4.2f}x one")


def _peak_rss_mb() -> float:
    """This process's peak resident set: Linux's VmHWM, which (unlike ru_maxrss, kept across
    exec) starts afresh in a new program; ru_maxrss elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _batch_rate(
    verifier: microcred.Verifier, signed: dict[str, Any], n: int, workers: int
) -> float:
    start = time.perf_counter()
    done = sum(1 for _ in verifier.verify_many(_stream(signed, n), workers=workers))
    return done / (time.perf_counter() - start)


_SOLO = (
    "import sys, time, copy, microcred, json; signed = json.loads(sys.stdin.read()); "
    "v = microcred.Verifier(offline=True); [v.check(signed) for _ in range(300)]; "
    "t = time.perf_counter(); [v.check(copy.copy(signed)) for _ in range(15000)]; "
    "print(15000 / (time.perf_counter() - t))"
)


def _ceiling() -> float:
    """Throughput of two verifying processes side by side over one alone: what 2 cores give."""
    signed = json.dumps(microcred.issue(credential(0, 0), KEY))

    def start() -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-c", _SOLO], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert process.stdin is not None
        process.stdin.write(signed)
        process.stdin.close()
        return process

    def rate_of(process: subprocess.Popen[str]) -> float:
        assert process.stdout is not None
        out = float(process.stdout.read())
        process.wait()
        return out

    alone = rate_of(start())
    pair = [start(), start()]
    return sum(rate_of(p) for p in pair) / alone


def _in_a_fresh_process(section: str, args: argparse.Namespace) -> None:
    sys.stdout.flush()
    options = ["--rounds", str(args.rounds), "--seconds", str(args.seconds), "--batch"]
    command = [sys.executable, __file__, "--only", section, *options, str(args.batch)]
    subprocess.run(command, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0, help="per measurement")
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--only", choices=["verify", "issue", "jwt", "startup", "batch"])
    args = parser.parse_args()
    sections: dict[str, Callable[[], None]] = {
        "verify": lambda: section_verify(args.rounds, args.seconds),
        "issue": lambda: section_issue(args.rounds, args.seconds),
        "jwt": lambda: section_jwt(args.rounds, args.seconds),
        "startup": section_startup,
        "batch": lambda: section_batch(args.batch, args.rounds),
    }
    if args.only is None:  # peak RSS is the process's: measure the batch in a fresh one
        sections["batch"] = lambda: _in_a_fresh_process("batch", args)
    for name, run in sections.items():
        if args.only in (None, name):
            run()


if __name__ == "__main__":
    main()
