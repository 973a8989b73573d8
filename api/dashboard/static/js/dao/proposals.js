// The Proposals tab: the list (newest first, filtered by status, paginated by cursor) with a live
// countdown for active ones, and "Create proposal".
import { useState } from "preact/hooks";
import { html } from "../core/html.js";
import { when } from "../core/format.js";
import { Link, navigate, proposalUrl } from "../core/router.js";
import { usePages } from "../core/resource.js";
import { Countdown } from "../ui/countdown.js";
import { Dialog } from "../ui/dialog.js";
import { SelectField } from "../ui/fields.js";
import { LoadError, Loading } from "../ui/status.js";
import { useQueryChoices } from "../ui/api-form.js";
import { ProposalForm } from "../proposal/proposal-form.js";
import { useEvents } from "./live.js";

const PROPOSAL_EVENTS = new Set(["proposal_created", "proposal_status_changed", "proposal_finalized", "proposal_executed"]);

function ProposalItem({ dao, proposal }) {
  return html`<li class="card proposal-item">
    <h3><${Link} href=${proposalUrl(dao.slug, proposal.slug)}>${proposal.title}<//></h3>
    <p class="meta">
      <span class=${`badge ${proposal.status}`}>${proposal.status}</span>
      ${" "}${proposal.proposal_type.replace(/_/g, " ")} · by ${proposal.created_by}
    </p>
    ${proposal.status === "active" && proposal.end_at && html`<p class="meta">
      Ends ${when(proposal.end_at)} · <${Countdown} until=${proposal.end_at} /></p>`}
    ${proposal.status === "draft" && proposal.start_at && html`<p class="meta">Starts ${when(proposal.start_at)}</p>`}
  </li>`;
}

export function ProposalsTab({ dao }) {
  const [status, setStatus] = useState("");
  const [creating, setCreating] = useState(false);
  const statuses = useQueryChoices("/api/v1/daos/{slug}/proposals", "status");
  const list = usePages(`${dao.path}/proposals`, { status }, 25);
  useEvents(dao.live, (event) => { if (PROPOSAL_EVENTS.has(event.type)) list.reload(); }, [status]);
  const mayCreate = dao.can("can_create_proposals") && dao.dao.is_active;
  return html`<h2>Proposals</h2>
    <div class="toolbar">
      <${SelectField} id="proposal-status" label="Status" value=${status} onValue=${setStatus}
        options=${statuses} blank="All statuses" />
      ${mayCreate && html`<button type="button" onClick=${() => setCreating(true)}>Create proposal</button>`}
    </div>
    ${list.error && html`<${LoadError} error=${list.error} retry=${list.reload} />`}
    ${!list.loading && !list.error && list.items.length === 0 && html`<p>No proposals${status ? ` with status ${status}` : ""}.</p>`}
    <ul class="cards">${list.items.map((p) => html`<${ProposalItem} key=${p.id} dao=${dao} proposal=${p} />`)}</ul>
    ${list.loading && html`<${Loading} what="Loading proposals" />`}
    ${list.hasMore && !list.loading && html`<button type="button" onClick=${list.loadMore}>Load more proposals</button>`}
    ${mayCreate && html`<${Dialog} id="create-proposal" title="Create proposal" open=${creating}
      onClose=${() => setCreating(false)}>
      <${ProposalForm} dao=${dao} onDone=${(p) => { setCreating(false); navigate(proposalUrl(dao.slug, p.slug)); }} />
    <//>`}`;
}
