// The API's own contract (GET /api/v1/openapi.json): request bodies' fields, their kinds, bounds
// and choices, so that the forms offer exactly what the API accepts and nothing is written twice.
import { api } from "./api.js";

let documentPromise = null;

function openapi() {
  if (!documentPromise) {
    documentPromise = api("/openapi.json").then(({ data }) => data).catch((error) => {
      documentPromise = null;
      throw error;
    });
  }
  return documentPromise;
}

/** The JSON schema of a component ("DaoCreate", "ProposalCreate", ...). */
export async function bodySchema(name) {
  const schema = (await openapi()).components.schemas[name];
  if (!schema) throw new Error(`the API has no schema ${name}`);
  return schema;
}

/** The allowed values of a field (enum) without null. */
export function choicesOf(property) {
  return (property.enum || []).filter((value) => value !== null);
}

/** The allowed values of a list route's query parameter, e.g. the proposal statuses of
 * ("/api/v1/daos/{slug}/proposals", "status"). */
export async function queryChoices(path, name) {
  const operation = (await openapi()).paths[path].get;
  const parameter = operation.parameters.find((p) => p.in === "query" && p.name === name);
  return parameter ? choicesOf(parameter.schema) : [];
}
