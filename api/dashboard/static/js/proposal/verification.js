// A finalized proposal's verifiable documents (README "Verify an outcome", verify/FORMATS.md): the
// signed receipt's figures, the export (every row needed to recompute the outcome) and the
// caller's ballot proof as files to download, and how to check them offline with `python -m verify`.
// The documents need the bearer header, so they are fetched and handed over as downloads.
import { useState } from "preact/hooks";
import { html } from "../core/html.js";
import { api, API, query } from "../core/api.js";
import { describe } from "../core/errors.js";

function download(name, document) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(document, null, 2)], { type: "application/json" }));
  const link = Object.assign(window.document.createElement("a"), { href: url, download: name });
  window.document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function DownloadButton({ label, path, file, onLeaf }) {
  const [state, setState] = useState({ phase: "idle" });
  async function fetchIt() {
    setState({ phase: "sending" });
    try {
      const { data } = await api(path);
      download(file, data);
      if (onLeaf && data.leaf_hash) onLeaf(data.leaf_hash);
      setState({ phase: "done" });
    } catch (error) {
      setState({ phase: "failed", error });
    }
  }
  return html`<div class="download">
    <button type="button" class="secondary" disabled=${state.phase === "sending"} onClick=${fetchIt}>${label}</button>
    <span role="status" class=${`status${state.phase === "failed" ? " error" : ""}`}>${state.phase === "done"
      ? `Saved as ${file}.` : state.phase === "failed" ? describe(state.error) : ""}</span>
  </div>`;
}

export function Verification({ dao, proposal, path }) {
  const [leaf, setLeaf] = useState(null);
  const receipt = proposal.receipt;
  if (!receipt) return null;
  const body = receipt.body || {};
  const exportFile = `${dao.slug}-${proposal.slug}-export.json`;
  const proofFile = `${dao.slug}-${proposal.slug}-proof.json`;
  return html`<section class="card verification" aria-labelledby="verify-title">
    <h3 id="verify-title">Verify this outcome</h3>
    <p>The result is signed by the service (${receipt.alg}); anyone who may read this DAO can check it offline.</p>
    <dl class="facts hashes">
      <div><dt>Signing key</dt><dd><code>${receipt.key_id}</code></dd></div>
      <div><dt>Ballots root</dt><dd><code>${body.ballots && body.ballots.root}</code> (${body.ballots && body.ballots.size} ballots)</dd></div>
      <div><dt>Snapshot root</dt><dd><code>${body.snapshot && body.snapshot.root}</code> (${body.snapshot && body.snapshot.size} voters)</dd></div>
      ${body.chain_head && html`<div><dt>Audit chain head</dt><dd>event ${body.chain_head.seq}: <code>${body.chain_head.hash}</code></dd></div>`}
      <div><dt>Signature</dt><dd><code>${receipt.signature}</code></dd></div>
      ${leaf && html`<div><dt>Your ballot's leaf hash</dt><dd><code>${leaf}</code></dd></div>`}
    </dl>
    <div class="downloads">
      <${DownloadButton} label="Download the export" path=${`${path}/export`} file=${exportFile} />
      <${DownloadButton} label="Download your ballot proof" path=${`${path}/proof${query({ voter: dao.me })}`}
        file=${proofFile} onLeaf=${setLeaf} />
      <a href=${`${API}/keys`} download="keys.json">The service's public keys (keys.json)</a>
    </div>
    <p class="hint">Check them with the project's offline verifier (it needs only Python and the folders${" "}
      <code>verify/</code> and <code>governance/</code>):</p>
    <pre class="commands"><code>python -m verify ${exportFile} --key keys.json
python -m verify ${proofFile} --key keys.json</code></pre>
    <p class="hint">The proof's leaf hash is the one your vote's job returned; the export's check recomputes every
      figure of the result from the snapshot and the ballots.</p>
  </section>`;
}
