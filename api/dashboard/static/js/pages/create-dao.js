// The "Create DAO" dialog: every field of the create body (DaoCreate in the API's document).
import { html } from "../core/html.js";
import { daoUrl, navigate } from "../core/router.js";
import { Dialog } from "../ui/dialog.js";
import { ApiForm } from "../ui/api-form.js";

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
};

export const DAO_HINTS = {
  slug: "3-64 characters of a-z, 0-9 and '-'; it cannot change later.",
  voting_period_seconds: "Leave empty for the default (one week).",
};

export function CreateDaoDialog({ open, onClose, initial }) {
  return html`<${Dialog} id="create-dao" title="Create DAO" open=${open} onClose=${onClose}>
    <${ApiForm} schema="DaoCreate" idPrefix="create-dao" path="/daos" submit="Create DAO"
      initial=${initial} labels=${DAO_LABELS} hints=${DAO_HINTS}
      order=${["name", "slug", "description", "dao_type", "governance_model", "voting_period_seconds",
              "quorum_percent", "pass_threshold_percent", "allow_vote_change", "is_public", "microdao_id"]}
      onDone=${(dao) => { onClose(); navigate(daoUrl(dao.slug)); }}
      done=${(dao) => `Created ${dao.name}.`} />
  <//>`;
}
