"""A plain offline verification loads none of the heavy dependencies (they are imported lazily).

Startup time is what this guards, without measuring it: each of these costs tens of
milliseconds to import, and none is needed to verify an ordinary Data Integrity badge.
"""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO

BADGE = REPO / "examples" / "badges" / "python-foundations.json"
HEAVY = ("cryptography", "httpx", "jsonschema", "jwcrypto", "pydantic", "pyld", "rfc8785")
SCRIPT = f"""
import json, sys
import microcred
report = microcred.check(sys.stdin.read(), offline=True)
print(json.dumps({{
    "proof": report.check("proof").status.value,
    "loaded": sorted(m for m in {HEAVY!r} if m in sys.modules),
}}))
"""


def test_offline_check_of_an_rdfc_badge_imports_no_heavy_dependency() -> None:
    badge = BADGE.read_text("utf-8")
    assert json.loads(badge)["proof"]["cryptosuite"] == "eddsa-rdfc-2022"  # the RDF fast path
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        input=badge,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result == {"proof": "passed", "loaded": []}
