"""The roles a workspace starts with (after seed 002: who does what between product, marketing and
IT, with objective success criteria), the conflicts of interest declared by default, and the pairs
of roles that must talk to each other on an initiative (for the interaction map's gaps)."""

# key, name, department, reports to (key), description, success criteria (one per line)
DEFAULT_ROLES = [
    ("product-manager", "Product manager", "product", "",
     "Owns commercial viability: customer insight, competitors and market trends, revenue needs.",
     "Every initiative has a written why and target segment before build\n"
     "Win/loss and customer interviews reviewed every month\nRevenue goal of the initiative tracked against plan"),
    ("product-owner", "Product owner", "product", "product-manager",
     "Voice of the customer for the team: keeps the feature backlog prioritised, day by day.",
     "Top of the backlog is ready (estimated, accepted criteria) two sprints ahead\n"
     "Every sprint review shows accepted items against the goal"),
    ("product-marketing-manager", "Product marketing manager", "marketing", "product-manager",
     "The go-between of product and marketing: turns features into positioning, the USP and the pitch.",
     "Positioning and pitch approved by product and sales before launch\nSales enablement done by launch day"),
    ("channel-marketing", "Channel marketing", "marketing", "product-marketing-manager",
     "Where the rubber meets the road: copy, social, PR, ads, search, partners.",
     "Campaign calendar published four weeks before launch\nCost per qualified lead within budget"),
    ("product-analyst", "Product analyst", "analytics", "product-manager",
     "Product analytics: engagement, funnels and the metrics of each feature.",
     "Every launched feature has an adoption metric and a dashboard\nWeekly metrics review with the product owner"),
    ("product-designer", "Product designer", "design", "product-manager",
     "User research, flows and interface design.",
     "Every build item has tested flows before development\nUsability issues found per release trend down"),
    ("scrum-master", "Scrum master", "it", "",
     "Voice of the team: the process, the ceremonies, removing impediments.",
     "Sprint goals met in at least 80% of sprints\nImpediments cleared within two working days"),
    ("it-operations", "IT operations", "it", "",
     "Runs what is built: environments, releases, monitoring, support handover.",
     "Release runbook rehearsed before launch\nNo launch without monitoring and on-call in place"),
    ("engineering-lead", "Engineering lead", "it", "",
     "Technical direction and delivery of the team.",
     "Architecture decisions recorded\nDelivery forecast shared every sprint"),
]  # fmt: skip

# Conflicts of interest declared by default: (role, role, why).
DEFAULT_PAIRS = [
    (
        "product-owner",
        "scrum-master",
        "The voice of the customer and the voice of the team pull apart.",
    ),
    ("product-manager", "product-analyst", "Judging the success of one's own bets."),
]

# Roles that must interact when both take part in an initiative (seed 002's diagram).
MUST_INTERACT = [
    ("product-manager", "product-owner"),
    ("product-manager", "product-marketing-manager"),
    ("product-owner", "product-analyst"),
    ("product-owner", "product-designer"),
    ("product-owner", "product-marketing-manager"),
    ("product-marketing-manager", "channel-marketing"),
    ("product-owner", "scrum-master"),
    ("engineering-lead", "it-operations"),
]
