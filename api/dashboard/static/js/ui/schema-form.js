// Form fields made from a request body's schema in the API's own OpenAPI document: one control
// per property (a choice list for an enum, a checkbox for a boolean, a number for an integer, a
// date and time for date-time, text otherwise), so that a form offers exactly what the body takes.
import { html } from "../core/html.js";
import { choicesOf } from "../core/contract.js";
import { amount, humanize } from "../core/format.js";
import { CheckField, SelectField, TextField, messagesFor } from "./fields.js";

const LONG_TEXT = 1000;

function kind(property) {
  if (property.enum) return "choice";
  if (property.type === "boolean") return "boolean";
  if (property.type === "integer") return "integer";
  if (property.type === "object") return "json";
  if (property.type === "array") return "lines";
  if (property.format === "date-time") return "datetime";
  if (property.format === "decimal") return "decimal";
  return property.maxLength > LONG_TEXT ? "longtext" : "text";
}

/** `<input type=datetime-local>` text for an ISO time, in the browser's time zone. */
function localInput(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The text of the empty choice of an optional choice list. */
export function blankChoice(property) {
  if (property.default !== undefined && property.default !== null) return `(default: ${property.default})`;
  return property.nullable ? "(none)" : "(default)";
}

/** The form's values (strings and booleans) for a record the API answered. */
export function formValues(schema, record = {}) {
  const values = {};
  for (const [name, property] of Object.entries(schema.properties)) {
    const value = record[name];
    const k = kind(property);
    if (k === "boolean") values[name] = Boolean(value === undefined ? property.default : value);
    else if (value === undefined || value === null) values[name] = "";
    else if (k === "datetime") values[name] = localInput(value);
    else if (k === "decimal") values[name] = amount(value);
    else if (k === "json") values[name] = JSON.stringify(value, null, 2);
    else if (k === "lines") values[name] = value.join("\n");
    else values[name] = String(value);
  }
  return values;
}

function bodyValue(property, text) {
  switch (kind(property)) {
    case "boolean": return text;
    case "integer": return /^-?\d+$/.test(text.trim()) ? Number(text) : text;
    case "datetime": return new Date(text).toISOString();
    case "json": try { return JSON.parse(text); } catch { return text; } // the API names the error
    case "lines": return text.split("\n").map((line) => line.trim()).filter(Boolean);
    default: return text;
  }
}

/** The request body for `values`. Without `initial`, empty fields are left out (the API's
 * defaults apply); with `initial` (an edit), only changed fields are sent, a cleared nullable
 * one as null. */
export function requestBody(schema, values, initial = null, omit = []) {
  const body = {};
  for (const [name, property] of Object.entries(schema.properties)) {
    if (omit.includes(name)) continue;
    const value = values[name];
    if (value === undefined || value === null) continue;
    if (initial && value === initial[name]) continue;
    if (value === "") {
      if (initial && property.nullable) body[name] = null;
      continue;
    }
    body[name] = bodyValue(property, value);
  }
  return body;
}

/** The properties of `schema`: those of `order` first, then any other (a field the API gains
 * later shows up by itself), without those of `omit`. */
export function fieldNames(schema, order = [], omit = []) {
  const all = Object.keys(schema.properties);
  return [...order.filter((name) => all.includes(name)), ...all.filter((name) => !order.includes(name))]
    .filter((name) => !omit.includes(name));
}

/** One control per property of `schema` (see fieldNames). `labels` and `hints` name them;
 * `custom[name](props)` renders a field itself. */
export function SchemaFields({ schema, values, setValue, errors, idPrefix, labels = {}, hints = {}, order, omit, custom = {} }) {
  return fieldNames(schema, order, omit).map((name) => {
    const property = schema.properties[name];
    const props = {
      id: `${idPrefix}-${name}`, label: labels[name] || humanize(name), hint: hints[name],
      errors: messagesFor(errors, name), value: values[name] ?? "", onValue: (v) => setValue(name, v),
    };
    if (custom[name]) return html`<div key=${name}>${custom[name](props)}</div>`;
    const required = (schema.required || []).includes(name);
    switch (kind(property)) {
      case "choice":
        return html`<${SelectField} key=${name} ...${props} options=${choicesOf(property)}
          blank=${required ? undefined : blankChoice(property)} />`;
      case "boolean":
        return html`<${CheckField} key=${name} ...${props} checked=${Boolean(values[name])} />`;
      case "integer":
        return html`<${TextField} key=${name} ...${props} type="number" min=${property.minimum}
          max=${property.maximum} step="1" required=${required} />`;
      case "datetime":
        return html`<${TextField} key=${name} ...${props} type="datetime-local" step="1" />`;
      case "decimal":
        return html`<${TextField} key=${name} ...${props} inputmode="decimal" />`;
      case "json":
        return html`<${TextField} key=${name} ...${props} multiline rows="4" spellcheck="false" />`;
      case "lines":
        return html`<${TextField} key=${name} ...${props} multiline rows="4" hint=${props.hint || "One per line."} />`;
      case "longtext":
        return html`<${TextField} key=${name} ...${props} multiline rows="4" maxlength=${property.maxLength} />`;
      default:
        return html`<${TextField} key=${name} ...${props} required=${required} maxlength=${property.maxLength} />`;
    }
  });
}
