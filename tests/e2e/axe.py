"""axe-core (from npm, see package.json) injected into the page: serious and critical violations only."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm ci` at the top of the checkout")
    # Evaluated by the driver, not added as an inline <script>: the site's CSP forbids inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:5]}"
            for v in result["violations"] if v["impact"] in BLOCKING]


def assert_accessible(page, label: str):
    problems = serious_violations(page)
    assert not problems, f"{label}: accessibility problems:\n" + "\n".join(problems)
