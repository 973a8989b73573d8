// A form for one request body of the API: its fields from the body's schema (ui/schema-form.js),
// sent as the action (core/actions.js), the API's messages beside the fields, and the outcome
// (pending job, done, failed) in words.
import { useEffect, useState } from "preact/hooks";
import { html } from "../core/html.js";
import { bodySchema, queryChoices } from "../core/contract.js";
import { fieldErrors, useAction } from "../core/actions.js";
import { SchemaFields, formValues, requestBody } from "./schema-form.js";
import { ActionStatus, LoadError, Loading } from "./status.js";

function useContract(read, key) {
  const [state, setState] = useState({ value: null, error: null });
  useEffect(() => {
    read().then((value) => setState({ value, error: null })).catch((error) => setState({ value: null, error }));
  }, [key]);
  return state;
}

/** {schema, error}: a request body's schema from the API's document. */
export function useBodySchema(name) {
  const { value, error } = useContract(() => bodySchema(name), name);
  return { schema: value, error };
}

/** The values a list route's query parameter takes ([] until known). */
export function useQueryChoices(path, name) {
  return useContract(() => queryChoices(path, name), `${path} ${name}`).value || [];
}

/** `schema`: the body's component name; `record`: the current values of an edit (a PATCH sends
 * only the changes); `initial`: values to start a new one from; `onDone(answer)` after success. */
export function ApiForm({
  schema: name, idPrefix, path, method = "POST", submit, record, initial, labels, hints, order, omit = [], custom,
  onDone, pending, done, failed, transform = (body) => body,
}) {
  const { schema, error } = useBodySchema(name);
  const [values, setValues] = useState(null);
  const [state, run] = useAction();
  useEffect(() => {
    if (schema) setValues({ ...formValues(schema, record || {}), ...(initial || {}) });
  }, [schema, record]);
  if (error) return html`<${LoadError} error=${error} />`;
  if (!schema || !values) return html`<${Loading} what="Loading the form" />`;

  const setValue = (field, value) => setValues((current) => ({ ...current, [field]: value }));
  const errors = fieldErrors(state);
  const busy = state.phase === "sending" || state.phase === "pending";
  async function onSubmit(event) {
    event.preventDefault();
    const changesOnly = record && method === "PATCH"; // PUT and POST send the whole body
    const body = transform(requestBody(schema, values, changesOnly ? formValues(schema, record) : null, omit));
    await run(path, { method, body, onSuccess: onDone });
  }
  return html`<form class="api-form" onSubmit=${onSubmit} noValidate>
    <${SchemaFields} schema=${schema} values=${values} setValue=${setValue} errors=${errors}
      idPrefix=${idPrefix} labels=${labels} hints=${hints} order=${order} omit=${omit}
      custom=${Object.fromEntries(Object.entries(custom || {}).map(([k, render]) => [k, (props) => render({ ...props, allErrors: errors })]))} />
    <div class="form-actions"><button type="submit" disabled=${busy}>${submit}</button></div>
    <${ActionStatus} state=${state} pending=${pending} done=${done} failed=${failed} />
  </form>`;
}
