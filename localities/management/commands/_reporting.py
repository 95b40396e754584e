"""What the map-loading commands print: each bad row, then one refusal; or one summary line."""

from django.core.management.base import CommandError


def refusal(command, rejected, what: str) -> CommandError:
    """Write every line-numbered error of `rejected`, and return the error that ends the command."""
    for error in rejected.errors:
        command.stderr.write(str(error))
    return CommandError(f"{len(rejected.errors)} {what}")


def units_summary(label: str, result) -> str:
    """One line for a unit list's `ImportResult` (import_localities, import_current_country)."""
    counts = ", ".join(f"{level}: {count}" for level, count in result.counts.items() if count)
    summary = f"{label}: {counts} (created {result.created}, changed {result.changed}, unchanged {result.unchanged})"
    if result.name_en_filled:
        summary += f"; English names filled in: {result.name_en_filled}"
    if result.nothing_changed:
        summary += " - nothing changed."
    return summary
