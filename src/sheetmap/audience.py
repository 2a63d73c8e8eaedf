"""The one projection from the full roadmap to what an audience may see.

Renderers receive only the projected `Roadmap`, so a public page, JSON
file, feed or search index cannot show what it never received. The rule
is an allowlist: a public item is copied field by field, and everything not
named here (notes, owners, feedback, customers, sprints, tasks, effort and
value scores) is left behind.
"""

from __future__ import annotations

from dataclasses import replace

from sheetmap.model import EMPTY, Idea, Initiative, Objective, Roadmap
from sheetmap.parse import count_requests
from sheetmap.slugs import assign_slugs

AUDIENCES = ("public", "internal")


def project(roadmap: Roadmap, audience: str) -> Roadmap:
    """The roadmap as `audience` ('public' or 'internal') may see it."""
    if audience == "internal":
        return replace(roadmap, audience="internal")
    if audience != "public":
        raise ValueError(f"unknown audience {audience!r}")
    return public_roadmap(roadmap)


def is_public(visibility: str) -> bool:
    return visibility == "Public"


def public_roadmap(full: Roadmap) -> Roadmap:
    objectives = tuple(_public_objective(o) for o in full.objectives if is_public(o.visibility))
    public_objectives = {o.id for o in objectives}
    initiatives = tuple(_public_initiative(i, public_objectives) for i in full.initiatives if is_public(i.visibility))
    public_initiatives = {i.id for i in initiatives}
    # Nothing is more visible than its parent: an idea under an internal
    # initiative stays internal whatever its own Visibility says.
    ideas = tuple(
        _public_idea(i)
        for i in full.ideas
        if is_public(i.visibility) and (not i.initiative or i.initiative in public_initiatives)
    )
    used_themes = {i.theme.casefold() for i in initiatives if i.theme}
    themes = tuple(t for t in full.themes if t.name.casefold() in used_themes)
    return assign_slugs(
        Roadmap(
            audience="public",
            initiatives=initiatives,
            ideas=ideas,
            objectives=objectives,
            themes=themes,
            request_counts=count_requests(full.feedback, initiatives, ideas),
        )
    )


def _public_initiative(i: Initiative, public_objectives: set[str]) -> Initiative:
    return Initiative(
        id=i.id,
        title=i.title,
        horizon=i.horizon,
        theme=i.theme,
        tags=i.tags,
        objectives=tuple(o for o in i.objectives if o in public_objectives),
        problem=i.problem,
        description=i.description,
        outcome=i.outcome,
        visibility=i.visibility,
        rank=i.rank,
        completed=i.completed,
        notes=EMPTY,
        slug=i.slug,
        sequence=i.sequence,
    )


def _public_idea(i: Idea) -> Idea:
    return Idea(
        id=i.id,
        title=i.title,
        initiative=i.initiative,
        stage=i.stage,
        hypothesis=i.hypothesis,
        user_story=i.user_story,
        description=i.description,
        metric=i.metric,
        target=i.target,
        actual=i.actual,
        visibility=i.visibility,
        slug=i.slug,
    )


def _public_objective(o: Objective) -> Objective:
    return Objective(
        id=o.id, title=o.title, key_results=o.key_results, period=o.period, visibility=o.visibility, slug=o.slug
    )
