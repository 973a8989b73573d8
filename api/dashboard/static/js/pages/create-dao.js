// The "Create DAO" dialog: every field of the create body (DaoCreate in the API's document).
import { html } from "../core/html.js";
import { daoUrl, navigate } from "../core/router.js";
import { Dialog } from "../ui/dialog.js";
import { ApiForm } from "../ui/api-form.js";
import { TypeRulesEditor } from "../dao/type-rules.js";

export const DAO_LABELS = {
  slug: "Slug (its URL name)",
  dao_type: "Type",
  governance_model: "Governance model",
  voting_period_seconds: "Voting period (seconds)",
  quorum_percent: "Quorum (%)",
  pass_threshold_percent: "Pass threshold (%)",
  allow_vote_change: "Members may change their vote",
  is_public: "Public (readable by anyone signed in)",
  microdao_id: "Linked microDAO id",
  late_quorum_extension_seconds: "Late-quorum extension (seconds)",
  early_pass: "Finalize early once the outcome is certain (early pass)",
  ballot_secrecy: "Ballot secrecy",
  type_rules: "Rules per proposal type",
};

export const DAO_HINTS = {
  slug: "3-64 characters of a-z, 0-9 and '-'; it cannot change later.",
  voting_period_seconds: "Leave empty for the default (one week).",
  late_quorum_extension_seconds: "When quorum is first reached this close to the end, voting runs this much longer (once); 0 = off.",
  early_pass: "Only with vote change off, a simple, weighted or quadratic model and yes / no / abstain proposals.",
  ballot_secrecy: "secret_until_close: nobody sees any choice or per-choice figure until the proposal is finalized.",
};

export const DAO_ORDER = ["name", "slug", "description", "dao_type", "governance_model", "voting_period_seconds",
  "quorum_percent", "pass_threshold_percent", "allow_vote_change", "is_public", "microdao_id",
  "late_quorum_extension_seconds", "early_pass", "ballot_secrecy", "type_rules"];

/** The custom fields of the DAO forms (`schemaName`: the body whose type_rules document applies). */
export const daoCustom = (schemaName) => ({
  type_rules: (props) => html`<${TypeRulesEditor} ...${props} schemaName=${schemaName} />`,
});

export function CreateDaoDialog({ open, onClose, initial }) {
  return html`<${Dialog} id="create-dao" title="Create DAO" open=${open} onClose=${onClose}>
    <${ApiForm} schema="DaoCreate" idPrefix="create-dao" path="/daos" submit="Create DAO"
      initial=${initial} labels=${DAO_LABELS} hints=${DAO_HINTS}
      order=${DAO_ORDER} custom=${daoCustom("DaoCreate")}
      onDone=${(dao) => { onClose(); navigate(daoUrl(dao.slug)); }}
      done=${(dao) => `Created ${dao.name}.`} />
  <//>`;
}
