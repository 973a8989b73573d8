// /dao/<slug>/proposals/<pslug>: the proposal, its actions, the ballot, the live tally (or the
// outcome), the same votes under every model, the votes, and what the caller may do with it.
// Live: the DAO's events about this proposal reload it; past its deadline it is read again every
// few seconds until the scheduler finalized it.
import { useEffect, useState } from "preact/hooks";
import { html } from "../core/html.js";
import { percent, when } from "../core/format.js";
import { Link, daoUrl } from "../core/router.js";
import { useResource } from "../core/resource.js";
import { Countdown } from "../ui/countdown.js";
import { LoadError, Loading } from "../ui/status.js";
import { useEvents } from "../dao/live.js";
import { BallotBox } from "./ballot-box.js";
import { ModelComparison } from "./compare.js";
import { ProposalControls } from "./controls.js";
import { TallyView } from "./tally.js";
import { VotesList } from "./votes.js";
import { Verification } from "./verification.js";

const FINALIZING_POLL_MS = 3000;
const VOTING_TYPES = {
  basic: "yes / no / abstain", single_choice: "single choice", approval: "approval", ranked_choice: "ranked choice",
};

function Actions({ payload }) {
  const actions = (payload && payload.actions) || [];
  if (!actions.length) return null;
  return html`<section aria-labelledby="actions-title">
    <h3 id="actions-title">Actions on execution${payload.auto_execute ? " (automatic)" : ""}</h3>
    <ol class="actions-list">${actions.map((action, i) => html`<li key=${i}>
      <strong>${action.type.replace(/_/g, " ")}</strong>:
      ${Object.entries(action).filter(([k]) => k !== "type").map(([k, v]) => `${k.replace(/_/g, " ")} ${v}`).join(", ")}
    </li>`)}</ol>
  </section>`;
}

function votingTypeWords(proposal) {
  const type = proposal.effective_voting_type || proposal.voting_type;
  if (!type) return "set at activation (the DAO's rule for this type, else yes / no / abstain)";
  return VOTING_TYPES[type] || type;
}

function Timeline({ proposal }) {
  return html`<dl class="facts">
    <div><dt>Status</dt><dd><span class=${`badge ${proposal.status}`}>${proposal.status}</span></dd></div>
    <div><dt>Type</dt><dd>${proposal.proposal_type.replace(/_/g, " ")}</dd></div>
    <div><dt>Author</dt><dd>${proposal.created_by}</dd></div>
    <div><dt>Voting type</dt><dd>${votingTypeWords(proposal)}</dd></div>
    ${proposal.effective_model && html`<div><dt>Counted by</dt><dd>${proposal.effective_model} model, quorum
      ${" "}${percent(proposal.effective_quorum_percent)}, threshold ${percent(proposal.effective_pass_threshold)}
      ${proposal.effective_early_pass ? ", early pass" : ""}</dd></div>`}
    ${proposal.options && html`<div><dt>Options</dt><dd>${proposal.options.join(", ")}</dd></div>`}
    ${(proposal.effective_ballot_secrecy || proposal.ballot_secrecy) === "secret_until_close"
      && html`<div><dt>Ballots</dt><dd>secret until the close</dd></div>`}
    <div><dt>Voting starts</dt><dd>${when(proposal.start_at)}</dd></div>
    <div><dt>Voting ends</dt><dd>${when(proposal.end_at)}${proposal.status === "active" && proposal.end_at
      && html` · <${Countdown} until=${proposal.end_at} ended="voting ended: finalizing" />`}</dd></div>
    ${proposal.finalized_at && html`<div><dt>Finalized</dt><dd>${when(proposal.finalized_at)}</dd></div>`}
    ${proposal.executed_at && html`<div><dt>Executed</dt><dd>${when(proposal.executed_at)}</dd></div>`}
  </dl>`;
}

export function ProposalPage({ dao, pslug }) {
  const path = `${dao.path}/proposals/${encodeURIComponent(pslug)}`;
  const detail = useResource(path);
  const [version, setVersion] = useState(0);
  const refresh = () => { detail.reload(); setVersion((v) => v + 1); };
  const proposal = detail.data;
  useEvents(dao.live, (event) => {
    if (proposal && event.data && event.data.proposal_id === proposal.id) refresh();
  }, [proposal && proposal.id]);
  const overdue = proposal && proposal.status === "active" && proposal.end_at && new Date(proposal.end_at) <= new Date();
  useEffect(() => {
    const timer = proposal && proposal.status === "active" && setInterval(() => {
      if (new Date(proposal.end_at) <= new Date()) refresh();
    }, FINALIZING_POLL_MS);
    return () => timer && clearInterval(timer);
  }, [proposal && proposal.status, proposal && proposal.end_at, overdue]);

  if (detail.error) return html`<${LoadError} error=${detail.error} retry=${detail.reload} />`;
  if (!proposal) return html`<${Loading} what="Loading the proposal" />`;
  const final = Boolean(proposal.result);
  return html`<p><${Link} href=${daoUrl(dao.slug, "proposals")}>All proposals<//></p>
    <h2>${proposal.title}</h2>
    <${Timeline} proposal=${proposal} />
    ${proposal.description && html`<div class="description">${proposal.description}</div>`}
    <${Actions} payload=${proposal.action_payload} />
    <${ProposalControls} dao=${dao} proposal=${proposal} path=${path} onChanged=${refresh} />
    ${proposal.status === "active" && html`<${BallotBox} dao=${dao} proposal=${proposal}
      path=${path} version=${version} onCounted=${refresh} />`}
    ${proposal.tally && html`<section class="card" aria-labelledby="tally-title">
      <h3 id="tally-title">${final ? "Result" : "Live tally"}</h3>
      <${TallyView} tally=${proposal.tally} final=${final} />
    </section>
    <${ModelComparison} path=${path} current=${proposal.effective_model} version=${version} />`}
    <${Verification} dao=${dao} proposal=${proposal} path=${path} />
    ${proposal.activated_at && html`<${VotesList} key=${`votes-${version}`} path=${path}
      votingType=${proposal.effective_voting_type} />`}`;
}
