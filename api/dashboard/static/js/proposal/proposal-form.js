// Create a proposal (a draft) or edit a draft: the fields of ProposalCreate / ProposalEdit in the
// API's document, with the actions built by proposal/actions-editor.js.
import { html } from "../core/html.js";
import { ApiForm } from "../ui/api-form.js";
import { ActionsEditor } from "./actions-editor.js";

const LABELS = {
  title: "Title",
  slug: "Slug (its URL name)",
  proposal_type: "Proposal type",
  start_at: "Voting starts",
  end_at: "Voting ends",
  governance_model_override: "Governance model (override)",
  quorum_percent_override: "Quorum % (override)",
  pass_threshold_override: "Pass threshold % (override)",
  voting_type: "Voting type",
  options: "Options",
  ballot_secrecy: "Ballot secrecy (override)",
};
const HINTS = {
  slug: "Made from the title when empty.",
  start_at: "Empty: when it is activated.",
  end_at: "Empty: start plus the DAO's voting period.",
  voting_type: "Empty: the DAO's rule for this proposal type, else yes / no / abstain.",
  options: "One per line, 2 to 20, for single choice, approval and ranked choice.",
};
const ORDER = ["title", "slug", "description", "proposal_type", "start_at", "end_at"];
const CUSTOM = { action_payload: (props) => html`<${ActionsEditor} ...${props} />` };

export function ProposalForm({ dao, proposal, onDone }) {
  const editing = Boolean(proposal);
  return html`<${ApiForm} schema=${editing ? "ProposalEdit" : "ProposalCreate"}
    idPrefix=${editing ? "edit-proposal" : "new-proposal"}
    path=${editing ? `${dao.path}/proposals/${encodeURIComponent(proposal.slug)}` : `${dao.path}/proposals`}
    method=${editing ? "PATCH" : "POST"} record=${proposal} labels=${LABELS} hints=${HINTS} order=${ORDER}
    custom=${CUSTOM} submit=${editing ? "Save draft" : "Create draft"} onDone=${onDone}
    done=${(p) => (editing ? "Draft saved." : `Draft "${p.title}" created.`)} />`;
}
