#!/usr/bin/env python3
"""The same reads through Microsoft's Python SDK, for examples/bench (README: "Performance").

    python3 examples/bench_sdk.py http://127.0.0.1:PORT requests.json

`requests.json` is the list of GETs (path and query, as sent) that one snapshot of azfailover's
collector made; examples/bench writes it from the simulator's log. Each is sent again through
the pipeline of a real SDK client (azure-mgmt-storage's `send_request`: Microsoft's ARM
policies, retries, headers and bearer authentication), first one at a time, then from 32
threads, as a Python tool built on the SDK would. Prints one JSON line:
`{"requests": N, "sequential_s": S, "threads32_s": T, "errors": E}`.

Exit status: 0 done; 3 a package is missing (`pip install -r tests/sdk/requirements.txt`).
Only the loopback simulator is contacted (a static bearer token; no Microsoft Entra ID).
"""

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

try:
    from azure.core.credentials import AccessToken
    from azure.core.rest import HttpRequest
    from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy
    from azure.mgmt.storage import StorageManagementClient
except ImportError as e:  # pragma: no cover - reported by the bench
    print(f"SDK-MISSING: {e}. Install with: pip install -r tests/sdk/requirements.txt", file=sys.stderr)
    sys.exit(3)

SCOPE = "https://management.azure.com/.default"


class StaticToken:
    """A TokenCredential that hands out a fixed development token (no network)."""

    def get_token(self, *scopes, **kwargs):
        return AccessToken("x", int(time.time()) + 24 * 3600)


class LoopbackAuthPolicy(ARMChallengeAuthenticationPolicy):
    """ARM's bearer policy, allowed over plain HTTP: the simulator listens on loopback only."""

    def on_request(self, request):
        request.context["enforce_https"] = False
        return super().on_request(request)


def main():
    base, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        urls = json.load(f)
    cred = StaticToken()
    client = StorageManagementClient(
        cred,
        "00000000-0000-0000-0000-000000000000",
        base_url=base,
        authentication_policy=LoopbackAuthPolicy(cred, SCOPE),
        retry_total=2,
    )
    errors = 0

    def get(url):
        nonlocal errors
        r = client.send_request(HttpRequest("GET", base.rstrip("/") + url))
        r.read()
        if r.status_code >= 400:
            errors += 1

    # Warm the connection pool, as the bench warms the collector.
    for url in urls[:32]:
        get(url)
    errors = 0
    t = time.perf_counter()
    for url in urls:
        get(url)
    sequential = time.perf_counter() - t
    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(get, urls))
    threads = time.perf_counter() - t
    print(json.dumps({"requests": len(urls), "sequential_s": sequential, "threads32_s": threads, "errors": errors}))


if __name__ == "__main__":
    main()
