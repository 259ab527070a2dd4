_SECTIONS = {
    "workspace_home": "home", "teams": "teams", "team_detail": "teams", "people": "people",
    "person_detail": "people", "members": "members", "audit": "audit", "tokens": "tokens",
    "workspace_settings": "settings",
    # Prioritize: ideas, scoring rounds, the parking lot and scoring models.
    "ideas": "ideas", "ideas_board": "ideas", "idea_new": "ideas", "idea_detail": "ideas",
    "idea_edit": "ideas", "rounds": "rounds", "round": "rounds", "parking_lot": "parking",
    "scoring_models": "scoring", "scoring_model": "scoring",
    # Roadmaps: the list, one roadmap's views and pages, its items.
    "roadmaps": "roadmaps", "roadmap": "roadmaps", "roadmap_board": "roadmaps",
    "roadmap_table": "roadmaps", "roadmap_changes": "roadmaps", "roadmap_item": "roadmaps",
    "roadmap_item_new": "roadmaps", "sharing": "roadmaps",
    # Feedback: the inbox and an item, customers, import.
    "feedback_inbox": "feedback", "feedback_new": "feedback", "feedback_detail": "feedback",
    "feedback_edit": "feedback", "customers": "customers", "customer_detail": "customers",
    "feedback_import": "feedback_import",
    "feedback_themes": "feedback_themes",
    # Goals: the tree, a goal's page, the shared scoreboard.
    "goals": "goals", "goal": "goals", "scoreboard": "scoreboard",
    # Operate: the glossary.
    "glossary": "glossary", "glossary_term": "glossary", "glossary_term_new": "glossary", "glossary_term_edit": "glossary",
    # Roles: the role definitions (an initiative's RACI page belongs to initiatives' section).
    "roles": "roles",

    # Capacity: load, scenarios and plans, the comparison.
    "capacity": "capacity", "capacity_scenario": "capacity", "capacity_compare": "capacity",
    # Operate: playbooks, their runs and post-mortems.
    "playbooks": "playbooks", "playbook_new": "playbooks", "playbook": "playbooks", "playbook_edit": "playbooks",
    "playbook_diff": "playbooks", "playbook_run": "playbooks",
    "postmortems": "postmortems", "postmortem_new": "postmortems", "postmortem": "postmortems",
    # Launch: initiatives (the portfolio, an initiative, the lifecycle).
    "initiatives": "initiatives", "initiative": "initiatives", "initiative_new": "initiatives",
    "lifecycle": "initiatives",
    # Launch: launches, a launch's page and positioning, the launch calendar.
    "launches": "launches", "launch_new": "launches", "launch": "launches", "launch_positioning": "launches",
    "launch_calendar": "launches",
    # Changes: requests, the calendar with freezes, review meetings.
    "changes": "changes", "change": "changes", "change_new": "changes", "change_reviews": "changes",
    "change_review": "changes",
    # Organization & settings: webhooks (admins).
    "webhooks": "webhooks", "webhook": "webhooks", "webhook_delivery": "webhooks",
}


def workspace_nav(request) -> dict:
    """The current workspace, the others the user may switch to, and the active nav section."""
    member = getattr(request, "member", None)
    if member is None or not request.user.is_authenticated:
        return {}
    from .selectors import memberships_of

    match = getattr(request, "resolver_match", None)
    return {
        "member": member,
        "workspace": member.workspace,
        "my_memberships": memberships_of(request.user),
        "nav_section": _SECTIONS.get(match.url_name if match else "", ""),
    }
