"""The interaction map of an initiative: departments and roles as nodes, how they work together
(from the RACI cells: two nodes interact when they take part in the same activity) as links.

Gaps (two roles that must interact, both on the initiative, with no link) are drawn as dashed red
lines labelled "gap"; overloaded hubs (a role whose holder is over their load, or linked to many
others) get a double border and the words "overloaded hub". Nothing is told by colour alone.
A person in a cell who holds no role here stands for their department ("Sales (no role)").
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from accord.roadmaps.render import DANGER, FONT, INK, MUTED, esc, fit, svg_to_png  # noqa: F401 (svg_to_png: the PNG export)
from accord.workspaces.models import TeamKind

from .checks import Matrix
from .defaults import MUST_INTERACT

DEPARTMENT_COLORS = {
    "product": "#3563c9", "marketing": "#b45309", "it": "#0f766e", "sales": "#7c3aed", "support": "#0369a1",
    "design": "#be185d", "analytics": "#4d7c0f", "custom": "#475569",
}  # fmt: skip
HUB_DEGREE = 6  # linked to this many other nodes: a hub everything goes through
NODE_W, NODE_H = 190, 46
DEPT_NAMES = dict(TeamKind.choices)


@dataclass
class Node:
    key: str  # "role:<id>" or "dept:<kind>"
    name: str
    department: str
    role_key: str = ""
    overloaded: bool = False
    degree: int = 0
    why: list[str] = field(default_factory=list)


@dataclass
class Graph:
    nodes: list[Node]
    links: dict[tuple[str, str], int]  # (node, node) sorted -> shared activities
    gaps: list[tuple[str, str]]

    def as_dict(self) -> dict:
        return {
            "nodes": [{"key": n.key, "name": n.name, "department": n.department, "overloaded": n.overloaded,
                       "links": n.degree} for n in self.nodes],
            "links": [{"a": a, "b": b, "activities": w} for (a, b), w in sorted(self.links.items())],
            "gaps": [{"a": a, "b": b} for a, b in self.gaps],
        }  # fmt: skip


def build(m: Matrix, load: dict[int, int]) -> Graph:
    roles_of: dict[int, set[int]] = defaultdict(set)
    for role_id, pids in m.holders.items():
        for pid in pids:
            roles_of[pid].add(role_id)
    nodes: dict[str, Node] = {}

    def role_node(role_id: int) -> str:
        r = m.roles[role_id]
        key = f"role:{role_id}"
        nodes.setdefault(key, Node(key, r.name, r.department, r.key))
        return key

    for role_id in m.holders:
        if role_id in m.roles:
            role_node(role_id)
    involved: dict[int, set[str]] = defaultdict(set)
    for cell in m.cells:
        if cell.role_id is not None and cell.role_id in m.roles:
            involved[cell.activity_id].add(role_node(cell.role_id))
        elif cell.person_id is not None:
            held = [r for r in roles_of.get(cell.person_id, ()) if r in m.roles]
            if held:
                involved[cell.activity_id] |= {role_node(r) for r in held}
            else:
                person = m.people.get(cell.person_id)
                dept = sorted(person.departments)[0] if person and person.departments else "custom"
                key = f"dept:{dept}"
                nodes.setdefault(key, Node(key, f"{DEPT_NAMES.get(dept, dept)} (no role)", dept))
                involved[cell.activity_id].add(key)
    links: dict[tuple[str, str], int] = defaultdict(int)
    for keys in involved.values():
        ordered = sorted(keys)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                links[(a, b)] += 1
    neighbours: dict[str, set[str]] = defaultdict(set)
    for a, b in links:
        neighbours[a].add(b)
        neighbours[b].add(a)
    for n in nodes.values():
        n.degree = len(neighbours[n.key])
        if n.degree >= HUB_DEGREE:
            n.overloaded = True
            n.why.append(f"linked to {n.degree} others")
        if n.key.startswith("role:"):
            role_id = int(n.key.split(":")[1])
            over = [
                m.people[p].name
                for p in m.holders.get(role_id, ())
                if load.get(p, 0) > m.threshold and p in m.people
            ]
            if over:
                n.overloaded = True
                n.why.append(f"{', '.join(sorted(over))} over their load")
    by_role_key = {n.role_key: n.key for n in nodes.values() if n.role_key}
    gaps = []
    for a, b in MUST_INTERACT:
        if a in by_role_key and b in by_role_key:
            pair = tuple(sorted((by_role_key[a], by_role_key[b])))
            if pair not in links:
                gaps.append(pair)
    order = sorted(
        nodes.values(),
        key=lambda n: (
            list(DEPARTMENT_COLORS).index(n.department)
            if n.department in DEPARTMENT_COLORS
            else 99,
            n.name,
        ),
    )
    return Graph(order, dict(links), gaps)


def render_svg(graph: Graph, *, title: str) -> str:
    n = len(graph.nodes)
    radius = max(170.0, n * 34.0)
    width = int(2 * radius + NODE_W + 80)
    top = 80
    height = int(2 * radius + NODE_H + top + 110)
    cx, cy = width / 2, top + radius + NODE_H / 2
    pos = {}
    for i, node in enumerate(graph.nodes):
        angle = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        pos[node.key] = (
            (cx + radius * math.cos(angle), cy + radius * math.sin(angle)) if n > 1 else (cx, cy)
        )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" role="img" aria-labelledby="map-title map-desc">',
        f'<title id="map-title">{esc(title)}</title>',
        f'<desc id="map-desc">{esc(_describe(graph))}</desc>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        f'<text x="24" y="36" font-size="20" font-weight="700" fill="{INK}">{esc(fit(title, 20, width - 48, True))}</text>',
        f'<text x="24" y="60" font-size="13" fill="{MUTED}">{len(graph.nodes)} roles and departments, '
        f"{_count(len(graph.links), 'link')}, {_count(len(graph.gaps), 'gap')}, "
        f"{_count(sum(1 for x in graph.nodes if x.overloaded), 'overloaded hub')}</text>",
    ]
    if not graph.nodes:
        parts.append(f'<text x="{cx}" y="{cy}" font-size="15" fill="{MUTED}" text-anchor="middle">No one takes part yet: '
                     "assign roles and fill the RACI matrix.</text>")  # fmt: skip
    heaviest = max(graph.links.values(), default=1)
    for (a, b), weight in sorted(graph.links.items()):
        (x1, y1), (x2, y2) = pos[a], pos[b]
        w = 1.2 + 4 * weight / heaviest
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#7b8499" stroke-width="{w:.1f}" '
                     f'stroke-opacity="0.75"><title>{weight} shared activit{"y" if weight == 1 else "ies"}</title></line>')  # fmt: skip
    for a, b in graph.gaps:
        (x1, y1), (x2, y2) = pos[a], pos[b]
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{DANGER}" stroke-width="2.5" '
                     'stroke-dasharray="9 6"/>')  # fmt: skip
        parts.append(f'<rect x="{mx - 20:.1f}" y="{my - 11:.1f}" width="40" height="20" rx="4" fill="#ffffff" stroke="{DANGER}"/>'
                     f'<text x="{mx:.1f}" y="{my + 4:.1f}" font-size="12" font-weight="700" fill="{DANGER}" text-anchor="middle">gap</text>')  # fmt: skip
    for node in graph.nodes:
        x, y = pos[node.key]
        color = DEPARTMENT_COLORS.get(node.department, "#475569")
        x0, y0 = x - NODE_W / 2, y - NODE_H / 2
        dash = ' stroke-dasharray="5 3"' if node.key.startswith("dept:") else ""
        if node.overloaded:
            parts.append(f'<rect x="{x0 - 5:.1f}" y="{y0 - 5:.1f}" width="{NODE_W + 10}" height="{NODE_H + 10}" rx="10" '
                         f'fill="none" stroke="{DANGER}" stroke-width="2"/>')  # fmt: skip
        parts.append(f'<g><title>{esc(node.name)} ({esc(DEPT_NAMES.get(node.department, node.department))}), '
                     f'{node.degree} links{"; " + esc("; ".join(node.why)) if node.why else ""}</title>'
                     f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{NODE_W}" height="{NODE_H}" rx="7" fill="#ffffff" '
                     f'stroke="{color}" stroke-width="2.5"{dash}/>'
                     f'<rect x="{x0:.1f}" y="{y0:.1f}" width="7" height="{NODE_H}" rx="3" fill="{color}"/>'
                     f'<text x="{x0 + 16:.1f}" y="{y0 + 19:.1f}" font-size="13" font-weight="700" fill="{INK}">{esc(fit(node.name, 13, NODE_W - 24, True))}</text>'
                     f'<text x="{x0 + 16:.1f}" y="{y0 + 36:.1f}" font-size="11" fill="{MUTED}">'
                     f'{esc(fit(DEPT_NAMES.get(node.department, node.department) + (" · overloaded" if node.overloaded else ""), 11, NODE_W - 24))}</text></g>')  # fmt: skip
    ly = height - 36
    parts.append(f'<g font-size="12" fill="{MUTED}"><line x1="24" y1="{ly}" x2="60" y2="{ly}" stroke="#7b8499" stroke-width="3"/>'
                 f'<text x="68" y="{ly + 4}">works together (thicker: more shared activities)</text>'
                 f'<line x1="380" y1="{ly}" x2="416" y2="{ly}" stroke="{DANGER}" stroke-width="2.5" stroke-dasharray="9 6"/>'
                 f'<text x="424" y="{ly + 4}">gap: must interact, no shared activity</text>'
                 f'<rect x="24" y="{ly + 12}" width="36" height="14" rx="3" fill="none" stroke="{DANGER}" stroke-width="2"/>'
                 f'<text x="68" y="{ly + 23}">overloaded hub</text>'
                 f'<rect x="380" y="{ly + 12}" width="36" height="14" rx="3" fill="none" stroke="#475569" stroke-dasharray="5 3"/>'
                 f'<text x="424" y="{ly + 23}">department (people without a role here)</text></g>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


def _describe(graph: Graph) -> str:
    names = {n.key: n.name for n in graph.nodes}
    bits = [f"{len(graph.nodes)} roles and departments."]
    if graph.gaps:
        bits.append("Gaps: " + "; ".join(f"{names[a]} and {names[b]}" for a, b in graph.gaps) + ".")
    hubs = [n for n in graph.nodes if n.overloaded]
    if hubs:
        bits.append(
            "Overloaded hubs: " + "; ".join(f"{n.name} ({', '.join(n.why)})" for n in hubs) + "."
        )
    return " ".join(bits)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"
