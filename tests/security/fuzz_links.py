"""OpenAPI links for schemathesis' stateful phase: which answer feeds which next request.

The product schema (`/api/schema/`) carries no links; the fuzzing adds these to its own copy
before loading it, so a stateful scenario walks the marketplace's real flows with the ids the
API just returned: a brand creates a brief, submits it, staff approve it, a creator bids, the
brand shortlists and accepts, and the contract, its milestone, its thread and a change order
are read and acted on; a creator creates a reel or a portfolio and reads, edits and deletes
it; a thread is opened and messages are posted, edited and deleted.

`ROLE_OF` says who makes each request (the fuzzing signs it as that user), so a flow that
passes from the brand to the creator and to staff can succeed.
"""

import re
from typing import Any

# (source method, source path, status) -> [(target method, target path, {parameter: expression})]
_ID = {"id": "$response.body#/id"}
_BRIEF = {"brief_id": "$response.body#/id"}
_CONTRACT_OF_ACCEPT = {"id": "$response.body#/contract/id"}
_MILESTONE_OF_ACCEPT = {"id": "$response.body#/contract/milestones/0/id"}
_CRUD = ("get", "put", "patch", "delete")

LINKS: dict[tuple[str, str, str], list[tuple[str, str, dict[str, str]]]] = {
    ("post", "/api/v1/briefs/", "201"): [
        ("get", "/api/v1/briefs/{id}/", _ID),
        ("patch", "/api/v1/briefs/{id}/", _ID),
        ("post", "/api/v1/briefs/{id}/submit/", _ID),
        ("post", "/api/v1/briefs/{id}/cancel/", _ID),
        ("get", "/api/v1/briefs/{id}/fee-preview/", _ID),
        ("post", "/api/v1/briefs/{brief_id}/invitations/", _BRIEF),
    ],
    ("post", "/api/v1/briefs/{id}/submit/", "200"): [
        ("post", "/api/v1/briefs/{id}/approve/", _ID),
        ("post", "/api/v1/briefs/{id}/reject/", _ID),
    ],
    ("post", "/api/v1/briefs/{id}/approve/", "200"): [
        ("post", "/api/v1/briefs/{brief_id}/bids/", _BRIEF),
        ("post", "/api/v1/briefs/{brief_id}/threads/", _BRIEF),
        ("post", "/api/v1/briefs/{id}/test-shots/", _ID),
        ("get", "/api/v1/briefs/{id}/matches/", _ID),
        ("post", "/api/v1/briefs/{id}/close/", _ID),
    ],
    ("post", "/api/v1/briefs/{brief_id}/bids/", "201"): [
        ("get", "/api/v1/bids/{id}/", _ID),
        ("patch", "/api/v1/bids/{id}/", _ID),
        ("post", "/api/v1/bids/{id}/shortlist/", _ID),
        ("post", "/api/v1/bids/{id}/accept/", _ID),
        ("post", "/api/v1/bids/{id}/reject/", _ID),
        ("post", "/api/v1/bids/{id}/withdraw/", _ID),
    ],
    ("post", "/api/v1/bids/{id}/shortlist/", "200"): [
        ("post", "/api/v1/bids/{id}/accept/", _ID),
    ],
    ("post", "/api/v1/bids/{id}/accept/", "200"): [
        ("get", "/api/v1/contracts/{id}/", _CONTRACT_OF_ACCEPT),
        ("post", "/api/v1/contracts/{id}/fund/", _CONTRACT_OF_ACCEPT),
        ("post", "/api/v1/contracts/{id}/cancel/", _CONTRACT_OF_ACCEPT),
        ("get", "/api/v1/contracts/{id}/milestones/", _CONTRACT_OF_ACCEPT),
        ("get", "/api/v1/contracts/{id}/rights/", _CONTRACT_OF_ACCEPT),
        ("post", "/api/v1/contracts/{id}/change-orders/", _CONTRACT_OF_ACCEPT),
        (
            "get",
            "/api/v1/contracts/{contract_id}/thread/",
            {"contract_id": "$response.body#/contract/id"},
        ),
        ("get", "/api/v1/milestones/{id}/", _MILESTONE_OF_ACCEPT),
        ("post", "/api/v1/milestones/{id}/fund/", _MILESTONE_OF_ACCEPT),
        ("post", "/api/v1/milestones/{id}/cancel/", _MILESTONE_OF_ACCEPT),
    ],
    ("post", "/api/v1/briefs/{id}/test-shots/", "201"): [
        ("get", "/api/v1/contracts/{id}/", _ID),
        ("post", "/api/v1/contracts/{id}/fund/", _ID),
        ("post", "/api/v1/contracts/{id}/cancel/", _ID),
        ("get", "/api/v1/contracts/{contract_id}/thread/", {"contract_id": "$response.body#/id"}),
    ],
    ("post", "/api/v1/contracts/{id}/change-orders/", "201"): [
        ("get", "/api/v1/change-orders/{id}/", _ID),
        ("post", "/api/v1/change-orders/{id}/accept/", _ID),
        ("post", "/api/v1/change-orders/{id}/decline/", _ID),
        ("post", "/api/v1/change-orders/{id}/withdraw/", _ID),
    ],
    ("post", "/api/v1/briefs/{brief_id}/threads/", "201"): [
        ("get", "/api/v1/threads/{id}/", _ID),
        ("post", "/api/v1/threads/{id}/read/", _ID),
        ("post", "/api/v1/threads/{thread_id}/messages/", {"thread_id": "$response.body#/id"}),
    ],
    ("post", "/api/v1/threads/{thread_id}/messages/", "201"): [
        (
            "patch",
            "/api/v1/threads/{thread_id}/messages/{id}/",
            {**_ID, "thread_id": "$response.body#/thread"},
        ),
        (
            "delete",
            "/api/v1/threads/{thread_id}/messages/{id}/",
            {**_ID, "thread_id": "$response.body#/thread"},
        ),
        ("get", "/api/v1/threads/{thread_id}/messages/", {"thread_id": "$response.body#/thread"}),
    ],
    ("post", "/api/v1/reels/", "201"): [(m, "/api/v1/reels/{id}/", _ID) for m in _CRUD],
    ("post", "/api/v1/portfolios/", "201"): [(m, "/api/v1/portfolios/{id}/", _ID) for m in _CRUD],
    ("post", "/api/v1/ips/", "201"): [(m, "/api/v1/ips/{id}/", _ID) for m in _CRUD],
    ("post", "/api/v1/brands/", "201"): [
        ("get", "/api/v1/brands/{id}/", _ID),
        ("patch", "/api/v1/brands/{id}/", _ID),
        ("post", "/api/v1/brands/{brand_id}/members/", {"brand_id": "$response.body#/id"}),
        ("post", "/api/v1/brands/{id}/verification/", _ID),
    ],
    ("post", "/api/v1/program/applications/", "201"): [
        ("get", "/api/v1/program/applications/{id}/", _ID),
        ("post", "/api/v1/program/applications/{id}/approve/", _ID),
        ("post", "/api/v1/program/applications/{id}/reject/", _ID),
    ],
}

# Who makes a request, by (method, path pattern); the brand member ("x_owner") otherwise.
_CREATOR = (
    ("post", r"/briefs/\{brief_id\}/(bids|threads)/$"),
    ("patch", r"/bids/\{id\}/$"),
    ("post", r"/bids/\{id\}/withdraw/$"),
    ("*", r"/(reels|portfolios|creators|invitations|threads)/"),
    ("post", r"/program/applications/$"),
    ("post", r"/(contracts|milestones)/\{id\}/deliveries/$"),
    ("post", r"/change-orders/\{id\}/(accept|decline)/$"),
)
_STAFF = (
    ("post", r"/briefs/\{id\}/(approve|reject)/$"),
    ("post", r"/program/applications/\{id\}/(approve|reject)/$"),
    ("post", r"/(contracts|milestones)/\{id\}/(resolve|staff-refund)/$"),
)


def role_of(method: str, path: str) -> str:
    """The world's user who makes this request: "a" (creator), "staff" or "x_owner"."""
    for role, rules in (("staff", _STAFF), ("a", _CREATOR)):
        if any(m in {"*", method.lower()} and re.search(p, path) for m, p in rules):
            return role
    return "x_owner"


def add_links(raw: dict[str, Any]) -> int:
    """Add LINKS to the raw schema `raw` (in place); the number of links added."""
    paths = raw["paths"]
    added = 0
    for (method, path, status), targets in LINKS.items():
        response = paths[path][method]["responses"][status]
        links = response.setdefault("links", {})
        for target_method, target_path, parameters in targets:
            operation_id = paths[target_path][target_method]["operationId"]
            links[operation_id] = {"operationId": operation_id, "parameters": parameters}
            added += 1
    return added
