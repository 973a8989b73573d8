// One ballot component per voting type (SPEC 5.6): a new type is one more module and one more
// entry here. The proposal page picks the ballot by the proposal's `voting_type`.
import { BasicBallot, describeBallot as describeBasic } from "./basic.js";

const BALLOTS = {
  basic: { Ballot: BasicBallot, describe: describeBasic },
};

/** {Ballot, describe} for a voting type, or null when this dashboard does not know it yet. */
export function ballotFor(votingType = "basic") {
  return BALLOTS[votingType || "basic"] || null;
}
