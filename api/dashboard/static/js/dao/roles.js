// The DAO's roles: listed for everyone; custom roles created, changed and deleted by
// can_manage_roles. The entitlement names are those the owner role holds (it holds them all).
import { useState } from "preact/hooks";
import { html } from "../core/html.js";
import { humanize } from "../core/format.js";
import { useAction } from "../core/actions.js";
import { usePages } from "../core/resource.js";
import { ApiForm } from "../ui/api-form.js";
import { CheckField } from "../ui/fields.js";
import { ActionStatus } from "../ui/status.js";

export function useRoles(dao) {
  return usePages(`${dao.path}/roles`, {}, 500);
}

function entitlementNames(roles) {
  const owner = roles.find((r) => r.code === "owner");
  return owner ? Object.keys(owner.entitlements).sort() : [];
}

/** A custom field of the role forms: one checkbox per entitlement (value: the object as JSON). */
const entitlementsPicker = (names) => ({ id, value, onValue, errors }) => {
  let chosen = {};
  try { chosen = JSON.parse(value || "{}"); } catch { chosen = {}; }
  return html`<fieldset id=${id}><legend>Entitlements</legend>
    ${names.map((name) => html`<${CheckField} key=${name} id=${`${id}-${name}`} label=${humanize(name)}
      checked=${Boolean(chosen[name])} onValue=${(on) => onValue(JSON.stringify({ ...chosen, [name]: on }))} />`)}
    ${errors.length > 0 && html`<p class="field-error">${errors.join(" ")}</p>`}
  </fieldset>`;
};

function RoleItem({ dao, role, names, onChanged }) {
  const [editing, setEditing] = useState(false);
  const [deletion, remove] = useAction();
  const path = `${dao.path}/roles/${encodeURIComponent(role.code)}`;
  const held = Object.entries(role.entitlements).filter(([, on]) => on).map(([name]) => name);
  const manage = dao.can("can_manage_roles") && dao.dao.is_active && !role.is_default;
  return html`<li class="card">
    <h4>${role.name || role.code} <span class="meta">(${role.code}${role.is_default ? ", default" : ""})</span></h4>
    <p class="meta">${held.length ? held.join(", ") : "no entitlements"}</p>
    ${manage && html`<button type="button" class="secondary" aria-expanded=${editing}
        onClick=${() => setEditing(!editing)}>${editing ? "Stop editing" : `Edit role ${role.code}`}</button>
      <button type="button" class="secondary" onClick=${() => remove(path, { method: "DELETE", onSuccess: onChanged })}>
        Delete role ${role.code}</button>
      <${ActionStatus} state=${deletion} done=${() => "Deleted."} />
      ${editing && html`<${ApiForm} schema="RoleUpdate" idPrefix=${`role-${role.code}`} path=${path} method="PUT"
        record=${role} custom=${{ entitlements: entitlementsPicker(names) }} submit="Save role"
        done=${() => "Saved."} onDone=${() => { setEditing(false); onChanged(); }} />`}`}
  </li>`;
}

export function RolesSection({ dao, roles }) {
  const names = entitlementNames(roles.items);
  return html`<section aria-labelledby="roles-title">
    <h3 id="roles-title">Roles</h3>
    <ul class="cards">${roles.items.map((role) => html`<${RoleItem} key=${role.code} dao=${dao} role=${role}
      names=${names} onChanged=${roles.reload} />`)}</ul>
    ${dao.can("can_manage_roles") && dao.dao.is_active && html`<section class="card" aria-labelledby="new-role-title">
      <h4 id="new-role-title">Create a custom role</h4>
      <${ApiForm} schema="RoleCreate" idPrefix="new-role" path=${`${dao.path}/roles`} order=${["code", "name"]}
        labels=${{ code: "Role code" }} custom=${{ entitlements: entitlementsPicker(names) }} submit="Create role"
        done=${(r) => `Created role ${r.code}.`} onDone=${roles.reload} />
    </section>`}
  </section>`;
}
