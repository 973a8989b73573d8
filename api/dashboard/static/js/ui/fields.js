// Labelled form controls with the API's messages for the field beside them (a 422's `errors`).
import { html } from "../core/html.js";

/** The messages of `errors` for `name` (a dotted path such as "action_payload.actions.0.amount"). */
export function messagesFor(errors, name) {
  if (!errors) return [];
  const found = errors[name];
  if (Array.isArray(found)) return found;
  if (found && typeof found === "object") return Object.values(found).flat();
  return found ? [String(found)] : [];
}

export function Field({ id, label, hint, errors = [], children }) {
  const described = [hint && `${id}-hint`, errors.length && `${id}-error`].filter(Boolean).join(" ");
  return html`<div class=${`field${errors.length ? " invalid" : ""}`}>
    <label for=${id}>${label}</label>
    ${children({ id, "aria-describedby": described || undefined, "aria-invalid": errors.length ? "true" : undefined })}
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    ${errors.length > 0 && html`<p class="field-error" id=${`${id}-error`}>${errors.join(" ")}</p>`}
  </div>`;
}

export function TextField({ id, label, hint, errors, value, onValue, multiline = false, ...input }) {
  return html`<${Field} id=${id} label=${label} hint=${hint} errors=${errors}>
    ${(aria) => (multiline
      ? html`<textarea ...${aria} ...${input} value=${value} onInput=${(e) => onValue(e.target.value)}></textarea>`
      : html`<input ...${aria} type="text" ...${input} value=${value} onInput=${(e) => onValue(e.target.value)} />`)}
  <//>`;
}

export function SelectField({ id, label, hint, errors, value, onValue, options, blank }) {
  return html`<${Field} id=${id} label=${label} hint=${hint} errors=${errors}>
    ${(aria) => html`<select ...${aria} value=${value} onChange=${(e) => onValue(e.target.value)}>
      ${blank !== undefined && html`<option value="">${blank}</option>`}
      ${options.map((option) => {
        const [optionValue, text] = Array.isArray(option) ? option : [option, option];
        return html`<option value=${optionValue}>${text}</option>`;
      })}
    </select>`}
  <//>`;
}

export function CheckField({ id, label, hint, errors = [], checked, onValue }) {
  const described = [hint && `${id}-hint`, errors.length && `${id}-error`].filter(Boolean).join(" ");
  return html`<div class=${`field check${errors.length ? " invalid" : ""}`}>
    <input id=${id} type="checkbox" checked=${checked} aria-describedby=${described || undefined}
      onChange=${(e) => onValue(e.target.checked)} />
    <label for=${id}>${label}</label>
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    ${errors.length > 0 && html`<p class="field-error" id=${`${id}-error`}>${errors.join(" ")}</p>`}
  </div>`;
}
