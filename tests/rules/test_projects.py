"""Project links (SPEC 3 `dao_projects`): project id syntax and the number of links per DAO."""

import pytest

from governance.errors import ValidationFailed
from governance.projects import MAX_PROJECTS_PER_DAO, TooManyProjects, check_project_id, check_room_for_link


@pytest.mark.parametrize("project_id", ["p", "proj-42", "7f9c2a1e-0b6d-4c1f-9a34-1d2e3f4a5b6c", "org:app.v2",
                                        "a@b+c~d_e", "x" * 200])
def test_valid_project_ids(project_id):
    assert check_project_id(project_id) == project_id


@pytest.mark.parametrize("project_id", ["", " ", "-lead", ".hidden", "a/b", "a b", "a?b", "a#b", "a%2F", "x" * 201,
                                        "tab\tin", "nl\n", "caf\u00e9", "\ud800", "nul\x00", None, 42])
def test_invalid_project_ids_are_refused_on_the_field(project_id):
    with pytest.raises(ValidationFailed) as caught:
        check_project_id(project_id, field="project_id")
    assert list(caught.value.errors) == ["project_id"]


def test_a_dao_holds_at_most_the_maximum_of_links():
    check_room_for_link(0)
    check_room_for_link(MAX_PROJECTS_PER_DAO - 1)
    with pytest.raises(TooManyProjects) as caught:
        check_room_for_link(MAX_PROJECTS_PER_DAO)
    assert caught.value.code == "too_many_projects" and caught.value.status == 409
