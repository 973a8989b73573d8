// The Members tab: members with role(s), status, voting power and delegate (paginated); add,
// change or remove them (can_manage_members); the caller's own delegation; custom roles.
import { useState } from "preact/hooks";
import { html } from "../core/html.js";
import { amount } from "../core/format.js";
import { useAction } from "../core/actions.js";
import { usePages } from "../core/resource.js";
import { ApiForm } from "../ui/api-form.js";
import { SelectField } from "../ui/fields.js";
import { ActionStatus, LoadError } from "../ui/status.js";
import { useEvents } from "./live.js";
import { Delegation, delegationWords, proposalTypes, useDelegationsOf } from "./delegation.js";
import { useBodySchema } from "../ui/api-form.js";
import { ExtraRoles } from "./extra-roles.js";
import { RolesSection, useRoles } from "./roles.js";

const MEMBER_EVENTS = new Set(["member_added", "member_updated", "member_removed", "role_changed", "delegation_changed"]);
const LABELS = { subject_id: "Subject id", subject_type: "Subject type", role: "Role", voting_power: "Voting power", status: "Status" };

function Delegate({ dao, subject }) {
  return delegationWords(useDelegationsOf(dao, subject).items);
}

/** A role picker over the DAO's roles (a custom field of the member forms). */
const rolePicker = (roles, blank) => (props) => html`<${SelectField} ...${props}
  options=${roles.map((r) => [r.code, r.name ? `${r.name} (${r.code})` : r.code])} blank=${blank} />`;
const ORDER = ["subject_id", "subject_type", "role", "voting_power", "status"];

function MemberRow({ dao, member, roles, version, onChanged }) {
  const [editing, setEditing] = useState(false);
  const [removal, remove] = useAction();
  const self = member.subject_id === dao.me;
  const manage = dao.can("can_manage_members") && dao.dao.is_active;
  const path = `${dao.path}/members/${encodeURIComponent(member.subject_id)}`;
  return html`<tr>
    <th scope="row">${member.subject_id}${self ? " (you)" : ""}</th>
    <td data-label="Roles">${member.roles.join(", ")}</td><td data-label="Status">${member.status}</td>
    <td data-label="Voting power">${amount(member.voting_power)}</td>
    <td data-label="Delegate"><${Delegate} key=${version} dao=${dao} subject=${member.subject_id} /></td>
    <td class="row-actions">
      ${manage && html`<button type="button" class="secondary" aria-expanded=${editing}
        onClick=${() => setEditing(!editing)}>${editing ? "Stop editing" : `Edit ${member.subject_id}`}</button>`}
      ${(manage || self) && member.status !== "left" && html`<button type="button" class="secondary"
        onClick=${() => remove(path, { method: "DELETE", onSuccess: onChanged })}>${self ? "Leave DAO" : `Remove ${member.subject_id}`}</button>`}
      <${ActionStatus} state=${removal} done=${() => "Removed."} />
      ${editing && html`<${ApiForm} schema="MemberUpdate" idPrefix=${`member-${member.subject_id}`} path=${path}
        method="PATCH" record=${member} labels=${LABELS} order=${ORDER} custom=${{ role: rolePicker(roles, "(unchanged)") }} submit="Save member"
        done=${() => "Saved."} onDone=${() => { setEditing(false); onChanged(); }} />`}
      ${editing && html`<${ExtraRoles} path=${path} member=${member} roles=${roles} onChanged=${onChanged} />`}
    </td>
  </tr>`;
}

export function MembersTab({ dao }) {
  const members = usePages(`${dao.path}/members`, {}, 50);
  const roles = useRoles(dao);
  const types = proposalTypes(useBodySchema("DelegationSet").schema);
  const refresh = () => { members.reload(); dao.reload(); };
  const [version, setVersion] = useState(0); // read the delegates again after a change
  useEvents(dao.live, (event) => {
    if (MEMBER_EVENTS.has(event.type)) { members.reload(); setVersion((v) => v + 1); }
  });
  const manage = dao.can("can_manage_members") && dao.dao.is_active;
  return html`<h2>Members</h2>
    ${manage && html`<section class="card" aria-labelledby="add-member-title">
      <h3 id="add-member-title">Add a member</h3>
      <${ApiForm} schema="MemberAdd" idPrefix="add-member" path=${`${dao.path}/members`} labels=${LABELS}
        order=${ORDER} custom=${{ role: rolePicker(roles.items, "(default: member)") }} submit="Add member" onDone=${refresh}
        done=${(m) => `Added ${m.subject_id} as ${m.role}.`} />
    </section>`}
    ${members.error && html`<${LoadError} error=${members.error} retry=${members.reload} />`}
    <div class="table-wrap" role="region" aria-label="Members" tabindex="0"><table class="members">
      <thead><tr><th scope="col">Subject</th><th scope="col">Roles</th><th scope="col">Status</th>
        <th scope="col">Voting power</th><th scope="col">Delegate</th><th scope="col">Actions</th></tr></thead>
      <tbody>${members.items.map((m) => html`<${MemberRow} key=${m.subject_id} dao=${dao} member=${m}
        roles=${roles.items} version=${version} onChanged=${refresh} />`)}</tbody>
    </table></div>
    ${members.hasMore && html`<button type="button" onClick=${members.loadMore}>Load more members</button>`}
    ${dao.can("can_vote") && dao.dao.is_active && html`<${Delegation} dao=${dao} types=${types} />`}
    <${RolesSection} dao=${dao} roles=${roles} />`;
}
