"""axe-core (from npm, see package.json) injected into the page: serious and critical violations only."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm ci` at the top of the checkout")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:5]}"
            for v in result["violations"] if v["impact"] in BLOCKING]


def assert_accessible(page, label: str):
    problems = serious_violations(page)
    assert not problems, f"{label}: accessibility problems:\n" + "\n".join(problems)
