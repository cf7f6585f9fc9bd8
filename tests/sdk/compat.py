#!/usr/bin/env python3
"""Wire compatibility of the azfailover simulator with Microsoft's official Python management SDKs.

    python3 tests/sdk/compat.py http://127.0.0.1:PORT

Drives a running simulator of the demo deployment (assets/demo.toml) with azure-mgmt-storage,
azure-mgmt-sql, azure-mgmt-cosmosdb, azure-mgmt-resourcehealth and azure-mgmt-resourcegraph, as
a real client would: reads (a Resource Graph query paged by its skip token), then failovers
through the SDKs' own long-running-operation pollers. Only the loopback simulator is contacted
(a static bearer token; no Microsoft Entra ID).

Exit status: 0 every step passed; 1 a step failed; 3 a package is missing (install them with
`pip install -r tests/sdk/requirements.txt`).
"""

import json
import os
import sys
import time
import traceback
import urllib.request

MISSING = 3

try:
    from azure.core.credentials import AccessToken
    from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy
    from azure.mgmt.cosmosdb import CosmosDBManagementClient
    from azure.mgmt.cosmosdb.models import FailoverPolicies, FailoverPolicy
    from azure.core.exceptions import HttpResponseError
    from azure.mgmt.resourcegraph import ResourceGraphClient
    from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions
    from azure.mgmt.resourcehealth import ResourceHealthMgmtClient
    from azure.mgmt.sql import SqlManagementClient
    from azure.mgmt.storage import StorageManagementClient
except ImportError as e:  # pragma: no cover - reported to the Rust test
    print(f"SDK-MISSING: {e}. Install with: pip install -r tests/sdk/requirements.txt", file=sys.stderr)
    sys.exit(MISSING)

SUB = "8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b"
DATA_RG = "rg-contoso-ml-data"
STORAGE = "stcontosotraindata"
FG = "fog-contoso-features"
PRIMARY_SERVER, SECONDARY_SERVER = "sql-contoso-eastus", "sql-contoso-westus"
COSMOS = "cosmos-contoso-sessions"
SCOPE = "https://management.azure.com/.default"
# The simulator answers Retry-After >= 1 s (the SDK pollers honour it over polling_interval).
POLL = 0.1


class StaticToken:
    """A TokenCredential that hands out a fixed development token (no network)."""

    def get_token(self, *scopes, **kwargs):
        return AccessToken("x", int(time.time()) + 24 * 3600)


class LoopbackAuthPolicy(ARMChallengeAuthenticationPolicy):
    """ARM's bearer policy, allowed over plain HTTP: the simulator listens on loopback only."""

    def on_request(self, request):
        request.context["enforce_https"] = False
        return super().on_request(request)


def client(cls, base_url):
    cred = StaticToken()
    return cls(
        cred,
        SUB,
        base_url=base_url,
        authentication_policy=LoopbackAuthPolicy(cred, SCOPE),
        polling_interval=POLL,
        retry_total=2,
    )


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def resource_graph(url):
    """The collector's kind of query, three rows a page, every page asked for with the last
    one's skip token; then a query outside what the simulator answers, refused as ARG does."""
    cred = StaticToken()
    rg = ResourceGraphClient(cred, base_url=url, authentication_policy=LoopbackAuthPolicy(cred, SCOPE),
                             retry_total=2)
    types = ["microsoft.machinelearningservices/workspaces", "microsoft.keyvault/vaults",
             "microsoft.containerregistry/registries", "microsoft.storage/storageaccounts"]
    query = ("Resources | where type in~ (" + ", ".join(f"'{t}'" for t in types) + ") "
             "| project id, name, type, location, kind, sku, properties, identity, tags")
    rows, pages, token, total = [], 0, None, None
    while True:
        page = rg.resources(QueryRequest(subscriptions=[SUB], query=query,
                                         options=QueryRequestOptions(top=3, skip_token=token)))
        pages += 1
        total = page.total_records if total is None else total
        check(page.count == len(page.data) <= 3, f"page {pages}: count {page.count}, {len(page.data)} rows")
        check(str(page.result_truncated) == "false", f"resultTruncated {page.result_truncated!r}")
        rows.extend(page.data)
        token = page.skip_token
        if not token:
            break
        check(pages < 20, "the pages end")
    names = sorted(r["name"] for r in rows)
    print(f"resource graph: {total} rows in {pages} pages: {', '.join(names)}")
    check(len(rows) == total and pages >= 2, f"{len(rows)} rows of {total} in {pages} pages")
    check(len({r["id"] for r in rows}) == len(rows), "no row twice")
    check(all(r["type"] == r["type"].lower() and r["type"] in types for r in rows), "types in lower case")
    ws = next(r for r in rows if r["name"] == "mlw-contoso-westus")
    check(ws["location"] == "westus" and ws["identity"]["type"] == "SystemAssigned", f"the standby workspace: {ws}")
    check(ws["properties"]["storageAccount"].lower().endswith("/storageaccounts/stmlwcontosowestus"),
          f"its default storage: {ws['properties'].get('storageAccount')}")
    check(any(r["name"] == "stmlwcontosowestus" for r in rows), "the default storage account is a row too")
    try:
        rg.resources(QueryRequest(subscriptions=[SUB], query="Resources | summarize count() by type"))
        raise AssertionError("a query the simulator does not answer was answered")
    except HttpResponseError as e:
        codes = [d.code for d in (e.error.details or [])] if e.error else []
        print(f"resource graph: refused {e.status_code} {e.error.code if e.error else None} {codes}")
        check(e.status_code == 400 and e.error.code == "BadRequest" and codes[:1] == ["InvalidQuery"],
              f"ARG's error: {e.status_code} {codes}")


def storage(url):
    sm = client(StorageManagementClient, url)
    acct = sm.storage_accounts.get_properties(DATA_RG, STORAGE, expand="geoReplicationStats")
    stats = acct.geo_replication_stats
    print(f"storage: {acct.name} sku={acct.sku.name} primary={acct.primary_location} "
          f"secondary={acct.secondary_location} status={stats.status} canPlannedFailover={stats.can_planned_failover} "
          f"lastSync={stats.last_sync_time}")
    check(acct.primary_location == "eastus", f"primary is {acct.primary_location}")
    check(acct.status_of_primary == "available", f"statusOfPrimary {acct.status_of_primary}")
    check(stats.status == "Live" and stats.can_planned_failover is True, f"geoReplicationStats {stats}")
    check(stats.last_sync_time is not None and hasattr(stats.last_sync_time, "year"), "lastSyncTime is a datetime")

    poller = sm.storage_accounts.begin_failover(DATA_RG, STORAGE, failover_type="Planned", polling_interval=POLL)
    result = poller.result(timeout=60)
    check(poller.status().lower() == "succeeded", f"storage failover poller ended {poller.status()}")
    check(result is None, f"storage failover result {result!r}")
    after = sm.storage_accounts.get_properties(DATA_RG, STORAGE, expand="geoReplicationStats")
    print(f"storage: after planned failover primary={after.primary_location} secondary={after.secondary_location} "
          f"lastGeoFailoverTime={after.last_geo_failover_time}")
    check(after.primary_location == "westus" and after.secondary_location == "eastus", "primary and secondary swapped")
    check(after.sku.name == "Standard_RAGRS", f"planned failover keeps the SKU, got {after.sku.name}")
    check(after.last_geo_failover_time is not None, "lastGeoFailoverTime is set")


def fg_views(sm, primary, secondary):
    """Reads the group from both servers; each answers its own view: its own id under that
    server, its role, and the other server as the partner with the other role."""
    views = {}
    for server, role, partner, partner_role in ((primary, "Primary", secondary, "Secondary"),
                                                 (secondary, "Secondary", primary, "Primary")):
        fg = sm.failover_groups.get(DATA_RG, server, FG)
        p = fg.partner_servers[0]
        print(f"sql: {server}/{fg.name} role={fg.replication_role} state={fg.replication_state} "
              f"policy={fg.read_write_endpoint.failover_policy} partner={p.id.rsplit('/', 1)[-1]} ({p.replication_role})")
        want_id = f"/subscriptions/{SUB}/resourceGroups/{DATA_RG}/providers/Microsoft.Sql/servers/{server}/failoverGroups/{FG}"
        check(fg.id.lower() == want_id.lower(), f"{server}'s view has its own id, got {fg.id}")
        check(fg.replication_role == role, f"{server} is {fg.replication_role}, expected {role}")
        check(p.id.lower().endswith(f"/servers/{partner}"), f"{server}'s partner is {p.id}")
        check(p.replication_role == partner_role, f"{server}'s partner is {p.replication_role}, expected {partner_role}")
        views[server] = fg
    return views


def sql(url):
    sm = client(SqlManagementClient, url)
    fg_views(sm, PRIMARY_SERVER, SECONDARY_SERVER)

    poller = sm.failover_groups.begin_failover(DATA_RG, SECONDARY_SERVER, FG, polling_interval=POLL)
    fg = poller.result(timeout=60)
    print(f"sql: after failover {SECONDARY_SERVER}/{fg.name} role={fg.replication_role}")
    check(poller.status().lower() == "succeeded", f"sql failover poller ended {poller.status()}")
    check(fg is not None and fg.replication_role == "Primary", f"failover result {fg}")
    check(fg.id.lower().endswith(f"/servers/{SECONDARY_SERVER}/failovergroups/{FG}"), f"the result is the partner's view: {fg.id}")
    # Each server answers its own view after the failover too: the partner is now primary.
    fg_views(sm, SECONDARY_SERVER, PRIMARY_SERVER)


def cosmos(url):
    cm = client(CosmosDBManagementClient, url)
    acct = cm.database_accounts.get(DATA_RG, COSMOS)
    writes = [l.location_name for l in acct.write_locations]
    prio = {p.location_name: p.failover_priority for p in acct.failover_policies}
    print(f"cosmos: {acct.name} write={writes} priorities={prio} automaticFailover={acct.enable_automatic_failover}")
    check(writes == ["East US"], f"write region {writes}")

    params = FailoverPolicies(failover_policies=[
        FailoverPolicy(location_name="westus", failover_priority=0),
        FailoverPolicy(location_name="eastus", failover_priority=1),
    ])
    poller = cm.database_accounts.begin_failover_priority_change(DATA_RG, COSMOS, params, polling_interval=POLL)
    poller.result(timeout=60)
    check(poller.status().lower() == "succeeded", f"cosmos poller ended {poller.status()}")
    after = cm.database_accounts.get(DATA_RG, COSMOS)
    writes = [l.location_name for l in after.write_locations]
    print(f"cosmos: after priority change write={writes}")
    check(writes == ["West US"], f"write region {writes}")


def sim_fault(url, fault):
    """The simulator's control API (not ARM): raises a fault so there is something to report."""
    req = urllib.request.Request(f"{url}/_sim/faults", data=json.dumps(fault).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        check(r.status == 200, f"fault {fault}: {r.status}")


def health(url):
    hm = client(ResourceHealthMgmtClient, url)
    statuses = list(hm.availability_statuses.list_by_subscription_id(expand="recommendedactions"))
    print(f"health: {len(statuses)} availability statuses, all {sorted({str(s.properties.availability_state) for s in statuses})}")
    check(len(statuses) > 0, "availability statuses listed")
    check(all(s.name == "current" and s.properties.availability_state == "Available" for s in statuses),
          "every resource is available before the outage")
    check(list(hm.events.list_by_subscription_id(query_start_time="7/24/2020")) == [], "no events before the outage")

    # Everything above has failed over to West US; now East US goes down.
    sim_fault(url, {"kind": "region-outage", "region": "eastus", "title": "Multiple services in East US"})
    statuses = list(hm.availability_statuses.list_by_subscription_id(expand="recommendedactions"))
    down = [s for s in statuses if s.properties.availability_state == "Unavailable"]
    print(f"health: during the outage {len(down)} of {len(statuses)} unavailable")
    check(down, "some resources are unavailable during the outage")
    check(all(s.properties.occured_time is not None for s in down), "occuredTime is set (sic, REST spelling)")
    events = list(hm.events.list_by_subscription_id(query_start_time="7/24/2020"))
    active = []
    for e in events:
        regions = [r.impacted_region for i in (e.properties.impact or []) for r in (i.impacted_regions or [])]
        print(f"health: event {e.name} {e.properties.event_type} {e.properties.status} regions={regions}: {e.properties.title}")
        if e.properties.event_type == "ServiceIssue" and e.properties.status == "Active" and "East US" in regions:
            active.append(e)
    check(len(active) == 1, f"one active service issue in East US, got {len(active)}")
    check(active[0].properties.impact_start_time is not None, "impactStartTime is a datetime")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    url = sys.argv[1].rstrip("/")
    # Loopback only: never through a proxy.
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    steps = [("resource_graph", resource_graph), ("storage", storage), ("sql", sql), ("cosmos", cosmos),
             ("health", health)]
    failed = []
    for name, step in steps:
        try:
            step(url)
            print(f"ok: {name}")
        except Exception:  # noqa: BLE001 - report every step
            traceback.print_exc()
            print(f"FAILED: {name}")
            failed.append(name)
    print(f"{len(steps) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
