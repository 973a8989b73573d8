// Voting on a proposal: the caller's current vote, the ballot of the proposal's voting type, and
// the vote's job shown as "counting" until it succeeded.
import { useEffect } from "preact/hooks";
import { html } from "../core/html.js";
import { useAction } from "../core/actions.js";
import { usePages } from "../core/resource.js";
import { ActionStatus } from "../ui/status.js";
import { ballotFor, describeVote } from "../ballots/index.js";

const VOTE_FAILURES = {
  not_eligible: "You cannot vote on this proposal: only the members who could vote when it was activated can.",
  voting_closed: "Voting on this proposal is closed.",
};

/** The words for a counted vote, with the ballot's leaf hash when the job gives it (a secret
 * ballot's comes at the reveal): the voter compares it with the proof's after finalization. */
function counted(job) {
  const result = job.result || {};
  const words = result.choice ? `Your vote (${result.choice}) is counted.` : "Your vote is counted.";
  return result.ballot_leaf_hash ? html`${words} Its leaf hash, to compare with your ballot proof later:
    ${" "}<code class="hash">${result.ballot_leaf_hash}</code>` : words;
}

export function BallotBox({ dao, proposal, path, version, onCounted }) {
  const mine = usePages(`${path}/votes`, { voter_id: dao.me }, 1);
  const [state, run] = useAction();
  const votingType = proposal.effective_voting_type || proposal.voting_type;
  const kind = ballotFor(votingType);
  const vote = mine.items[0] || null;
  useEffect(() => mine.reload(), [version]);
  if (!kind) return html`<p class="notice">This dashboard cannot show ballots of type ${votingType} yet.</p>`;
  const { Ballot } = kind;
  const locked = vote && proposal.effective_allow_vote_change === false;
  const busy = state.phase === "sending" || state.phase === "pending";
  const cast = (body) => run(`${path}/votes`, { body, onSuccess: () => { mine.reload(); onCounted(); } });
  return html`<section class="card" aria-labelledby="vote-title">
    <h3 id="vote-title">Your vote</h3>
    <p>${!vote ? "You have not voted." : "ballot" in vote ? html`You voted <strong>${describeVote(votingType, vote)}</strong>.`
      : "You have voted; your ballot stays secret, even from this page, until the proposal is finalized."}
      ${locked ? " This DAO does not allow changing a vote." : vote ? " You may change it until voting ends." : ""}</p>
    <${Ballot} ballot=${vote ? vote.ballot : null} cast=${cast} disabled=${busy || locked} options=${proposal.options || []} />
    <${ActionStatus} state=${state} pending="Counting your vote"
      done=${counted}
      failed=${(error) => VOTE_FAILURES[error && error.code]} />
  </section>`;
}
