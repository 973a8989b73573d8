"""Links of a DAO to external projects (SPEC 3 `dao_projects`): the syntax of a project id and
how many links a DAO may hold.

A project id names a project of another system (a microDAO's project): 1-200 characters of
letters, digits and `._:@+~-`, starting with a letter or a digit, so that it is always one
segment of a URL path (`/daos/{slug}/projects/{project_id}`) and a plain query value.
"""

import re

from governance.errors import Conflict, ValidationFailed

PROJECT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@+~-]{0,199}$"
_PROJECT_ID = re.compile(PROJECT_ID_PATTERN)
# Links one DAO may hold: every DAO answer lists them, so the list stays short.
MAX_PROJECTS_PER_DAO = 100


class TooManyProjects(Conflict):
    code, title = "too_many_projects", "Too many project links"


def check_project_id(project_id: str, field: str = "project_id") -> str:
    """`project_id` when it is a valid project id; ValidationFailed on `field` otherwise."""
    if not isinstance(project_id, str) or _PROJECT_ID.fullmatch(project_id) is None:
        raise ValidationFailed(
            "not a valid project id",
            errors={field: ["1-200 characters of letters, digits and ._:@+~-, starting with a letter or digit"]},
        )
    return project_id


def check_room_for_link(links_held: int) -> None:
    """Refuse a new link when the DAO holds MAX_PROJECTS_PER_DAO already (TooManyProjects)."""
    if links_held >= MAX_PROJECTS_PER_DAO:
        raise TooManyProjects(f"a DAO links at most {MAX_PROJECTS_PER_DAO} projects; unlink one first")
