"""One parser per source: bytes of an export -> engine.Plan (or ImportFailed naming the problem)."""

from . import github, jira, table, trello

SOURCES = {
    "jira": jira.parse,
    "trello": trello.parse,
    "github": github.parse,
    "csv": table.parse,
}
