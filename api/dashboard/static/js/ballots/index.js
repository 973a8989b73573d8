// One ballot component per voting type (SPEC 5.6): a new type is one more module and one more
// entry here. The proposal page picks the ballot by the proposal's effective `voting_type`.
import { ApprovalBallot, describeBallot as describeApproval } from "./approval.js";
import { BasicBallot, describeBallot as describeBasic } from "./basic.js";
import { RankedBallot, describeBallot as describeRanked } from "./ranked.js";
import { SingleChoiceBallot, describeBallot as describeSingle } from "./single-choice.js";

const BALLOTS = {
  basic: { Ballot: BasicBallot, describe: describeBasic },
  single_choice: { Ballot: SingleChoiceBallot, describe: describeSingle },
  approval: { Ballot: ApprovalBallot, describe: describeApproval },
  ranked_choice: { Ballot: RankedBallot, describe: describeRanked },
};

/** {Ballot, describe} for a voting type, or null when this dashboard does not know it yet. */
export function ballotFor(votingType = "basic") {
  return BALLOTS[votingType || "basic"] || null;
}

/** How a vote reads: its ballot in words, or that it is secret until the close. */
export function describeVote(votingType, vote) {
  const kind = ballotFor(votingType);
  if (!("ballot" in vote)) return "a secret ballot (shown at the close)";
  return kind ? kind.describe(vote.ballot) : JSON.stringify(vote.ballot);
}
