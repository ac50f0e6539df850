"""Which header names mean which work-item field: the field labels themselves (as Gantry's
own export writes them), then the names Jira, MS Project and Smartsheet exports use (MS
Project's also as its German, French and Spanish versions write them).

Keyed by the field names of WORK_ITEM_FIELDS, so a column maps onto a declared field and
its label, kind and rules come from there; the few columns an import reads that are not
fields of an item (release, outline level, a row id for links) are declared here.
"""

from __future__ import annotations

import re
from functools import cache

from app.fields import Field, FieldKind
from app.work_items import WORK_ITEM_FIELDS

# Columns an import reads that are not fields of a work item.
IMPORT_ONLY = (
    Field("release", "Release", tip="The release the item belongs to (created if missing)"),
    Field("outline_level", "Outline level", FieldKind.INT, tip="1 at the top, 2 under it …"),
    Field("ref", "Row id", tip="Another id predecessor lists may use (Jira's issue id)"),
    Field("successors", "Successors", tip="Items that depend on this one (Jira's 'blocks')"),
    Field("milestone_flag", "Milestone flag", tip="Yes marks a milestone"),
    Field("summary_flag", "Summary flag", tip="Yes marks a summary row, a phase"),
    Field("component", "Component", tip="The component the item changes, by name"),
)
# Fields an import never sets from a sheet: Gantry computes them (the sheet's start and
# finish are read, but as the dates the sheet expects, see the importer).
NOT_IMPORTED = frozenset({"total_slack", "free_slack"})
# Several columns may feed these (Jira repeats "Fix versions" and link columns).
REPEATED = frozenset({"release", "predecessors", "successors"})

# Best match first: when two columns read as the same field, the earlier name wins.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "key": (
        "key",
        "issue key",
        "id",
        "task id",
        "row id",
        "wbs",
        "unique id",
        "nr",
        "vorgangsnummer",
        "einzelvorgangsnr",
        "n",  # "N°", as French sheets head an id column
        "numéro",
        "numero",
        "id unique",
        "identificador",
        "id único",
    ),
    "name": (
        "name",
        "task name",
        "task",
        "summary",
        "title",
        "item",
        "work item",
        "activity",
        "vorgangsname",
        "vorgang",
        "nom de la tâche",
        "nom de la tache",
        "nom",
        "tâche",
        "nombre de tarea",
        "nombre",
        "tarea",
    ),
    "kind": ("kind", "type"),
    "duration": (
        "duration",
        "original estimate",
        "time estimate",
        "work days",
        "days",
        "estimate",
        "baseline duration",
        "dauer",
        "durée",
        "duree",
        "duración",
        "duracion",
    ),
    "not_before": ("not before", "start no earlier than", "constraint date", "earliest start"),
    "start": (
        "start",
        "start date",
        "planned start",
        "begin",
        "begin date",
        "scheduled start",
        "anfang",
        "beginn",
        "début",
        "debut",
        "comienzo",
    ),
    "finish": (
        "finish",
        "finish date",
        "end",
        "end date",
        "due date",
        "due",
        "planned finish",
        "target end",
        "scheduled finish",
        "ende",
        "fin",
    ),
    "predecessors": (
        "predecessors",
        "predecessor",
        "depends on",
        "dependencies",
        "inward issue link blocks",
        "blocked by",
        "vorgänger",
        "prédécesseurs",
        "predecesseurs",
        "predecesoras",
    ),
    "successors": (
        "successors",
        "outward issue link blocks",
        "blocks",
        "nachfolger",
        "successeurs",
        "sucesoras",
    ),
    "owner": (
        "owner",
        "assignee",
        "assigned to",
        "resource names",
        "resources",
        "responsible",
        "ressourcennamen",
        "noms ressources",
        "nombres de los recursos",
    ),
    "status": ("status", "state"),
    "percent_complete": (
        "complete",
        "percent complete",
        "progress",
        "done",
        "pct complete",
        "abgeschlossen",
        "achevé",
        "acheve",
        "completado",
    ),
    "actual_start": ("actual start", "actual start date"),
    "actual_finish": ("actual finish", "actual finish date", "resolved", "resolution date"),
    "notes": (
        "notes",
        "note",
        "description",
        "comments",
        "comment",
        "notizen",
        "remarques",
        "notas",
    ),
    "release": ("release", "fix versions", "fix version", "fix version s", "version"),
    "outline_level": (
        "outline level",
        "level",
        "outline",
        "gliederungsebene",
        "niveau hiérarchique",
        "niveau hierarchique",
        "nivel de esquema",
    ),
    "ref": ("issue id", "row number", "task number"),
    "milestone_flag": ("milestone", "meilenstein", "jalon", "hito"),
    # Jira's "Component/s" may repeat; the first column wins, as for any single field.
    "component": ("component", "components", "component s"),
    "summary_flag": (),  # only by --map: in Jira's export "Summary" is the name
}
# Words that give a column away when no name above matches it exactly ("Planned end (UTC)").
WORDS: tuple[tuple[str, str], ...] = (
    ("predecessor", "predecessors"),
    ("successor", "successors"),
    ("start", "start"),
    ("finish", "finish"),
    ("end", "finish"),
    ("due", "finish"),
    ("duration", "duration"),
    ("estimate", "duration"),
    ("assignee", "owner"),
    ("owner", "owner"),
    ("resource", "owner"),
    ("status", "status"),
    ("complete", "percent_complete"),
    ("release", "release"),
    ("version", "release"),
    ("name", "name"),
    ("title", "name"),
    ("note", "notes"),
)
# Jira writes estimates in seconds of work.
SECONDS = frozenset({"original estimate", "time estimate", "remaining estimate"})

_CUSTOM = re.compile(r"^custom field \((.*)\)$", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^\w]+")


def normalized(header: str) -> str:
    """A header as it is compared: Jira's "Custom field (Start date)" is "start date";
    case, punctuation, '%' and underscores do not count ("Outline_Level" is "outline level")."""
    text = " ".join(str(header).split())
    custom = _CUSTOM.match(text)
    if custom:
        text = custom[1]
    return " ".join(_NOT_WORD.sub(" ", text.replace("_", " ")).split()).casefold()


@cache
def import_fields() -> dict[str, Field]:
    """Every field a column can map onto, by name."""
    fields = {f.name: f for f in WORK_ITEM_FIELDS if f.name not in NOT_IMPORTED}
    fields.update({f.name: f for f in IMPORT_ONLY})
    return fields


@cache
def names_by_field() -> dict[str, tuple[str, ...]]:
    """Each field's header names, best first: its label, then the synonyms above."""
    fields = import_fields()
    table: dict[str, tuple[str, ...]] = {}
    for name, field in fields.items():
        own = (normalized(field.label), normalized(field.name))
        table[name] = tuple(dict.fromkeys(own + SYNONYMS.get(name, ())))
    return table
