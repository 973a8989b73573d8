"""Options of a multi-option proposal and the ballots of every voting type (SPEC 5.6).

A ballot is a JSON object. `{choice: "abstain"}` is valid for every type; otherwise:

    basic          {choice: yes | no | abstain}
    single_choice  {choice: <option>}
    approval       {choices: [<option>, ...]}   1 to all options, no repeats
    ranked_choice  {ranking: [<option>, ...]}   1 to all options, strict order, no repeats

Errors are ValidationFailed with per-field messages (the API's 422); a ballot shape of another
type, an unknown option, a repeat or an empty list are refused.
"""

from typing import Mapping, Sequence

from governance.errors import ValidationFailed
from governance.vocabulary import ABSTAIN, VOTE_CHOICES, VOTING_TYPES

MIN_OPTIONS, MAX_OPTIONS = 2, 20
MAX_LABEL = 100
# The field each type's ballot uses besides {choice: abstain}.
BALLOT_FIELD = {
    "basic": "choice",
    "single_choice": "choice",
    "approval": "choices",
    "ranked_choice": "ranking",
}


def _storable(text: str) -> bool:
    """Postgres text and JSONB cannot hold NUL or a lone surrogate (PITFALLS)."""
    return "\x00" not in text and not any("\ud800" <= c <= "\udfff" for c in text)


def validate_options(options) -> list[str]:
    """Check the `options` of a proposal whose voting type is not `basic`; return them as a list.

    2 to 20 distinct labels, each a string of 1-100 characters that is not blank, not `abstain`
    and holds no NUL or lone surrogate. Order is kept: it breaks runoff ties (runoff.py).
    Raises ValidationFailed with errors under `options` (list-level) or `options.<i>`.
    """
    if not isinstance(options, (list, tuple)):
        raise ValidationFailed("invalid options", errors={"options": ["must be a list"]})
    errors: dict[str, list[str]] = {}
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        errors["options"] = [f"must hold {MIN_OPTIONS} to {MAX_OPTIONS} options"]
    seen: set[str] = set()
    for i, label in enumerate(options):
        problem = None
        if not isinstance(label, str):
            problem = "must be a string"
        elif not 1 <= len(label) <= MAX_LABEL or not label.strip():
            problem = f"must be 1 to {MAX_LABEL} characters, not blank"
        elif not _storable(label):
            problem = "must not contain NUL or lone surrogates"
        elif label == ABSTAIN:
            problem = f"{ABSTAIN!r} is not an option: every ballot may abstain"
        elif label in seen:
            problem = f"repeats {label!r}"
        if problem:
            errors[f"options.{i}"] = [problem]
        else:
            seen.add(label)
    if errors:
        raise ValidationFailed("invalid options", errors=errors)
    return list(options)


def _listed(field: str, value, options: Sequence[str], errors: dict) -> list[str]:
    """A `choices` / `ranking` list: 1 to all options, each known, none repeated."""
    if not isinstance(value, list):
        errors[field] = ["must be a list of options"]
        return []
    if not 1 <= len(value) <= len(options):
        errors[field] = [f"must name 1 to {len(options)} options"]
    seen: set[str] = set()
    for i, option in enumerate(value):
        if not isinstance(option, str) or option not in options:
            errors[f"{field}.{i}"] = [f"unknown option {option!r}"]
        elif option in seen:
            errors[f"{field}.{i}"] = [f"repeats {option!r}"]
        else:
            seen.add(option)
    return value


def validate_ballot(voting_type: str, options: Sequence[str], ballot) -> dict:
    """Check a ballot against the proposal's voting type and options; return it normalized.

    Normalized ballots: `{"choice": c}` (basic, single_choice, and abstain for every type),
    `{"choices": [...]}` in the order of `options` (approval; order carries no meaning), and
    `{"ranking": [...]}` in the voter's order (ranked_choice). `options` are the proposal's
    validated options (empty for basic). Raises ValidationFailed with per-field errors: a
    non-object ballot (`_schema`), a field of another type's ballot or an unknown field
    (`<field>`: unknown field), a missing field, an unknown option, a repeat, an empty or
    too long list (`<field>` or `<field>.<i>`). Raises ValueError for an unknown voting type.
    """
    if voting_type not in VOTING_TYPES:
        raise ValueError(f"unknown voting type {voting_type!r}")
    if not isinstance(ballot, Mapping):
        raise ValidationFailed("invalid ballot", errors={"_schema": ["must be an object"]})
    field = BALLOT_FIELD[voting_type]
    errors: dict[str, list[str]] = {}
    for key in ballot:
        if key not in (field, "choice"):
            errors[key] = [f"unknown field for a {voting_type} ballot"]
    if errors:
        raise ValidationFailed("invalid ballot", errors=errors)
    if "choice" in ballot and field != "choice":
        if field in ballot:
            errors["_schema"] = [f"give either {field} or choice (abstain), not both"]
        elif ballot["choice"] != ABSTAIN:
            errors["choice"] = [f"a {voting_type} ballot gives {field}; choice can only be abstain"]
        if errors:
            raise ValidationFailed("invalid ballot", errors=errors)
        return {"choice": ABSTAIN}
    if field not in ballot:
        raise ValidationFailed("invalid ballot", errors={field: ["missing required field"]})
    value = ballot[field]
    if field == "choice":
        allowed = VOTE_CHOICES if voting_type == "basic" else (*options, ABSTAIN)
        if not isinstance(value, str) or value not in allowed:
            what = "choice" if voting_type == "basic" else "option"
            raise ValidationFailed("invalid ballot", errors={"choice": [f"unknown {what} {value!r}"]})
        return {"choice": value}
    listed = _listed(field, value, options, errors)
    if errors:
        raise ValidationFailed("invalid ballot", errors=errors)
    if field == "choices":
        approved = set(listed)
        return {"choices": [option for option in options if option in approved]}
    return {"ranking": list(listed)}


def preferences(ballot: Mapping) -> tuple[str, ...] | None:
    """What a normalized ballot counts for: None for an abstention, else the options (or the
    basic choice) it names, in its order (approval: every approved option)."""
    if "choice" in ballot:
        return None if ballot["choice"] == ABSTAIN else (ballot["choice"],)
    return tuple(ballot["choices"] if "choices" in ballot else ballot["ranking"])


def proposal_options(voting_type: str | None, options) -> list[str] | None:
    """The options a proposal of `voting_type` holds, checked; None for none.

    A multi-option type needs valid options (validate_options); `basic` takes none; an unset
    type (None: a draft whose type a type rule or the DAO decides at activation) takes either,
    checked if given. Raises ValidationFailed under `options` (the API's 422, or a refused
    activation), ValueError for an unknown voting type.
    """
    if voting_type is not None and voting_type not in VOTING_TYPES:
        raise ValueError(f"unknown voting type {voting_type!r}")
    if options is None:
        if voting_type in (None, "basic"):
            return None
        raise ValidationFailed("options required", errors={"options": [f"a {voting_type} proposal needs options"]})
    if voting_type == "basic":
        raise ValidationFailed("no options", errors={"options": ["a basic proposal has no options"]})
    return validate_options(options)


def recorded_choice(voting_type: str, ballot: Mapping) -> str | None:
    """What `votes.choice` holds for a normalized ballot: the basic choice, `abstain` for an
    abstention of any type, else None (an option is no choice of the basic vocabulary, so the
    votes-by-choice metric and the basic tally keep their three words)."""
    choice = ballot.get("choice")
    return choice if voting_type == "basic" or choice == ABSTAIN else None


def ballot_of(request: Mapping) -> dict:
    """The ballot fields of a vote request (`choice`, `choices`, `ranking`), without the rest."""
    return {key: request[key] for key in ("choice", "choices", "ranking") if key in request}
