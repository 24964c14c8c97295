"""The three roles, as groups created by a migration. Permissions are checked on
the server: pages need view_programme, exports and the change log their own."""

CIVIL_SERVANTS = "Civil servants"
AUDITORS = "Auditors"
PROGRAMME_ADMINS = "Programme admins"

REGISTER_MODELS = [
    "programme",
    "financialfigure",
    "benefit",
    "milestone",
    "milestonestatement",
    "deliveryconfidenceassessment",
    "disruptionimpact",
    "schedulesnapshot",
    "fact",
    "disruption",
    "source",
    "department",
    "departmentalias",
]
VIEW = [f"programmes.view_{m}" for m in REGISTER_MODELS]
EXPORT = "programmes.export_reports"
CHANGE_LOG = "programmes.view_change_log"
# Programme admins edit their departments' programmes and what hangs off them, and
# may add the sources and disruptions those figures cite; departments stay read-only.
EDIT = [
    f"programmes.{action}_{m}"
    for m in REGISTER_MODELS
    if m not in {"department", "departmentalias"}
    for action in ("add", "change")
]

ROLES = {
    "civil-servant": (CIVIL_SERVANTS, VIEW),
    "auditor": (AUDITORS, [*VIEW, EXPORT, CHANGE_LOG]),
    "programme-admin": (
        PROGRAMME_ADMINS,
        [
            *VIEW,
            *EDIT,
            # from migration 0004: upload GMPP files, see and undo their imports
            "programmes.add_importedfile",
            "programmes.view_importedfile",
            "programmes.change_importedfile",
        ],
    ),
}
STAFF_ROLES = {"programme-admin"}
