// A member's extra roles (PUT / DELETE /daos/{slug}/members/{id}/roles/{code}): besides its role,
// a member may hold more roles, whose entitlements add up. Given and taken by can_manage_members;
// the API also refuses (403) a manager who would grant an entitlement it does not hold itself.
import { useState } from "preact/hooks";
import { html } from "../core/html.js";
import { fieldErrors, useAction } from "../core/actions.js";
import { SelectField, messagesFor } from "../ui/fields.js";
import { ActionStatus } from "../ui/status.js";

function TakeRole({ path, member, code, onChanged }) {
  const [state, run] = useAction();
  return html`<li>${code} <button type="button" class="plain"
      onClick=${() => run(`${path}/roles/${encodeURIComponent(code)}`, { method: "DELETE", onSuccess: onChanged })}>
      Take role ${code} from ${member.subject_id}</button>
    <${ActionStatus} state=${state} done=${() => "Taken."} /></li>`;
}

export function ExtraRoles({ path, member, roles, onChanged }) {
  const [code, setCode] = useState("");
  const [state, run] = useAction();
  const extra = member.roles.filter((r) => r !== member.role);
  const offered = roles.filter((r) => !member.roles.includes(r.code));
  const id = `extra-role-${member.subject_id.replace(/[^A-Za-z0-9_-]/g, "-")}`;
  async function give(event) {
    event.preventDefault();
    if (!code) return;
    const done = await run(`${path}/roles/${encodeURIComponent(code)}`, { method: "PUT", onSuccess: onChanged });
    if (done) setCode("");
  }
  return html`<section class="extra-roles" aria-label=${`Extra roles of ${member.subject_id}`}>
    <h4>Extra roles</h4>
    ${extra.length === 0 ? html`<p class="hint">None: only the role ${member.role}.</p>`
      : html`<ul class="plain-list">${extra.map((c) => html`<${TakeRole} key=${c} path=${path} member=${member}
        code=${c} onChanged=${onChanged} />`)}</ul>`}
    ${offered.length > 0 && html`<form class="inline-form" onSubmit=${give} noValidate>
      <${SelectField} id=${id} label="Extra role" value=${code} onValue=${setCode}
        options=${offered.map((r) => [r.code, r.name ? `${r.name} (${r.code})` : r.code])} blank="(choose a role)"
        errors=${messagesFor(fieldErrors(state), "code")} />
      <div class="form-actions"><button type="submit" disabled=${!code}>Give extra role</button></div>
    </form>`}
    <${ActionStatus} state=${state} done=${() => "Role given."} />
  </section>`;
}
