// The executable actions of a proposal (SPEC 5.5), built with a small form per action instead of
// JSON: `action_payload = {actions: [...], auto_execute}`. The API checks them (422 per field,
// e.g. "action_payload.actions.0.amount"), and its messages show beside the fields.
import { html } from "../core/html.js";
import { humanize } from "../core/format.js";
import { CheckField, SelectField, TextField, messagesFor } from "../ui/fields.js";

// The fields each action type takes: [name, label, choices (a list), or null for text].
const ACTIONS = {
  treasury_transfer: [["token_symbol", "Token"], ["amount", "Amount"], ["to_subject_id", "To subject"]],
  add_member: [["subject_id", "Subject"], ["subject_type", "Subject type", ["user", "agent"]], ["role", "Role"],
    ["voting_power", "Voting power"]],
  remove_member: [["subject_id", "Subject"]],
  set_role: [["subject_id", "Subject"], ["role", "Role"]],
  update_dao: [["name", "New name"], ["description", "New description"], ["quorum_percent", "Quorum (%)"],
    ["pass_threshold_percent", "Pass threshold (%)"], ["voting_period_seconds", "Voting period (seconds)"],
    ["governance_model", "Governance model", ["", "simple", "weighted", "quadratic", "delegated"]]],
};

function parsePayload(text) {
  try {
    const payload = JSON.parse(text || "{}");
    return { actions: Array.isArray(payload.actions) ? payload.actions : [], auto_execute: Boolean(payload.auto_execute) };
  } catch {
    return { actions: [], auto_execute: false };
  }
}

/** An action as sent: empty fields left out, the period as an integer. */
function cleaned(action) {
  const out = { type: action.type };
  for (const [name] of ACTIONS[action.type]) {
    const value = action[name];
    if (value === undefined || value === "") continue;
    out[name] = name === "voting_period_seconds" && /^\d+$/.test(value) ? Number(value) : value;
  }
  return out;
}

function ActionForm({ index, action, errors, onChange, onRemove }) {
  const prefix = `action_payload.actions.${index}`;
  const id = `action-${index}`;
  return html`<fieldset class="action">
    <legend>Action ${index + 1}: ${humanize(action.type)}</legend>
    ${ACTIONS[action.type].map(([name, label, choices]) => {
      const props = {
        id: `${id}-${name}`, label, value: action[name] ?? "", errors: messagesFor(errors, `${prefix}.${name}`),
        onValue: (value) => onChange({ ...action, [name]: value }),
      };
      return choices
        ? html`<${SelectField} key=${name} ...${props} options=${choices.map((c) => [c, c || "(unchanged)"])} />`
        : html`<${TextField} key=${name} ...${props} />`;
    })}
    ${messagesFor(errors, prefix).length > 0 && html`<p class="field-error">${messagesFor(errors, prefix).join(" ")}</p>`}
    <button type="button" class="plain" onClick=${onRemove}>Remove action ${index + 1}</button>
  </fieldset>`;
}

/** A custom field of ui/schema-form.js for `action_payload` (its value is the payload as JSON). */
export function ActionsEditor({ id, value, onValue, allErrors }) {
  const payload = parsePayload(value);
  const save = (next) => onValue(JSON.stringify({ ...next, actions: next.actions.map(cleaned) }));
  const setAction = (index, action) => save({ ...payload, actions: payload.actions.map((a, i) => (i === index ? action : a)) });
  return html`<fieldset class="actions" id=${id}>
    <legend>Actions carried out when the proposal is executed</legend>
    ${payload.actions.length === 0 && html`<p class="hint">No actions: a passed proposal only records the decision.</p>`}
    ${payload.actions.map((action, index) => html`<${ActionForm} key=${index} index=${index} action=${action}
      errors=${allErrors} onChange=${(next) => setAction(index, next)}
      onRemove=${() => save({ ...payload, actions: payload.actions.filter((_, i) => i !== index) })} />`)}
    <div class="add-action">
      ${Object.keys(ACTIONS).map((type) => html`<button type="button" class="secondary" key=${type}
        onClick=${() => save({ ...payload, actions: [...payload.actions, { type }] })}>Add ${humanize(type).toLowerCase()}</button>`)}
    </div>
    <${CheckField} id=${`${id}-auto`} label="Execute automatically once passed" checked=${payload.auto_execute}
      errors=${messagesFor(allErrors, "action_payload.auto_execute")}
      onValue=${(auto) => save({ ...payload, auto_execute: auto })} />
    ${messagesFor(allErrors, "action_payload").length > 0
      && html`<p class="field-error">${messagesFor(allErrors, "action_payload").join(" ")}</p>`}
  </fieldset>`;
}
