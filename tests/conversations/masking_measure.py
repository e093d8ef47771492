"""The contact detector measured on a labelled set: EVASIONS (each must be masked) and ORDINARY
(none may be), as the held-out sets hold them; `report` prints it for `python -m <the set>`."""


def measure(evasions: list[str], ordinary: list[str]) -> dict:
    from marketplace.contacts import find

    missed = [s for s in evasions if not find(s)]
    false = [s for s in ordinary if find(s)]
    return {
        "evasions": len(evasions),
        "masked_rate": 1 - len(missed) / len(evasions),
        "ordinary": len(ordinary),
        "false_positive_rate": len(false) / len(ordinary),
        "missed": missed,
        "false_positives": false,
    }


def report(name: str, result: dict) -> None:
    print(
        f"{name}: evasions {result['evasions']}: {result['masked_rate']:.1%} masked; "
        f"ordinary {result['ordinary']}: {result['false_positive_rate']:.1%} false positives"
    )
    for sentence in result["missed"]:
        print("  MISSED:", repr(sentence))
    for sentence in result["false_positives"]:
        print("  FALSE POSITIVE:", repr(sentence))
