// The DAO setting `type_rules` (SPEC 5.6): per proposal type, any of the settings the API's
// document lists for it (quorum, threshold, period, model, voting type), each winning over the
// DAO's own setting for proposals of that type. A custom field of ui/schema-form.js: its value is
// the object as JSON (as the form keeps every object field); the API's messages, named
// `type_rules.<type>.<setting>`, show beside each setting.
import { html } from "../core/html.js";
import { humanize } from "../core/format.js";
import { useBodySchema } from "../ui/api-form.js";
import { SelectField, TextField, messagesFor } from "../ui/fields.js";

const LABELS = {
  quorum_percent: "Quorum (%)", pass_threshold_percent: "Pass threshold (%)",
  voting_period_seconds: "Voting period (seconds)", governance_model: "Governance model", voting_type: "Voting type",
};

function parse(text) {
  try {
    const value = JSON.parse(text || "{}");
    return value && typeof value === "object" && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

/** The rule as sent: empty settings left out, a period of digits as an integer. */
function cleaned(rule, settings) {
  const out = {};
  for (const [name, value] of Object.entries(rule)) {
    if (value === "" || value === undefined || value === null) continue;
    out[name] = settings[name] && settings[name].type === "integer" && /^\d+$/.test(String(value)) ? Number(value) : value;
  }
  return out;
}

function RuleFields({ id, type, rule, settings, errors, onRule, onRemove }) {
  const prefix = `type_rules.${type}`;
  return html`<fieldset class="rule" id=${`${id}-${type}`}>
    <legend>Rules for ${humanize(type).toLowerCase()} proposals</legend>
    ${Object.entries(settings).map(([name, property]) => {
      const props = {
        id: `${id}-${type}-${name}`, label: `${LABELS[name] || humanize(name)} for ${type}`,
        value: rule[name] === undefined ? "" : String(rule[name]), errors: messagesFor(errors, `${prefix}.${name}`),
        onValue: (value) => onRule({ ...rule, [name]: value }),
      };
      return property.enum
        ? html`<${SelectField} key=${name} ...${props} options=${property.enum} blank="(the DAO's setting)" />`
        : html`<${TextField} key=${name} ...${props} inputmode=${property.type === "integer" ? "numeric" : "decimal"}
            hint=${property.description} />`;
    })}
    ${messagesFor(errors, prefix).length > 0 && html`<p class="field-error">${messagesFor(errors, prefix).join(" ")}</p>`}
    <button type="button" class="plain" onClick=${onRemove}>Remove the rules for ${type}</button>
  </fieldset>`;
}

export function TypeRulesEditor({ id, value, onValue, allErrors, schemaName = "DaoSettings" }) {
  const { schema } = useBodySchema(schemaName);
  const document = schema && schema.properties.type_rules;
  if (!document) return null;
  const types = Object.keys(document.properties || {});
  const rules = parse(value);
  const save = (next) => onValue(JSON.stringify(next, null, 2));
  const unused = types.filter((t) => !(t in rules));
  const own = messagesFor(allErrors, "type_rules");
  return html`<fieldset class="type-rules" id=${id}>
    <legend>Rules per proposal type</legend>
    <p class="hint">For proposals of a type, these settings win over the DAO's; a proposal's own override wins over both.</p>
    ${Object.keys(rules).length === 0 && html`<p class="hint">No rules: every type uses the DAO's settings.</p>`}
    ${Object.entries(rules).map(([type, rule]) => html`<${RuleFields} key=${type} id=${id} type=${type}
      rule=${rule || {}} settings=${(document.properties[type] || { properties: {} }).properties} errors=${allErrors}
      onRule=${(next) => save({ ...rules, [type]: cleaned(next, document.properties[type].properties) })}
      onRemove=${() => { const next = { ...rules }; delete next[type]; save(next); }} />`)}
    ${unused.length > 0 && html`<div class="inline-form">
      <${SelectField} id=${`${id}-add`} label="Add rules for" value="" options=${unused} blank="(choose a proposal type)"
        onValue=${(type) => type && save({ ...rules, [type]: {} })} />
    </div>`}
    ${own.length > 0 && html`<p class="field-error" id=${`${id}-error`}>${own.join(" ")}</p>`}
  </fieldset>`;
}
