// The Overview tab: the DAO's settings (editable with can_manage_dao) and its figures.
import { useState } from "preact/hooks";
import { html } from "../core/html.js";
import { amount, duration, percent } from "../core/format.js";
import { usePages } from "../core/resource.js";
import { ApiForm, useQueryChoices } from "../ui/api-form.js";
import { DAO_HINTS, DAO_LABELS, DAO_ORDER, daoCustom } from "../pages/create-dao.js";
import { ProjectsSection } from "./projects.js";
import { useAction } from "../core/actions.js";
import { Dialog } from "../ui/dialog.js";
import { ActionStatus } from "../ui/status.js";

/** Deactivate the DAO (DELETE /daos/{slug}, can_manage_dao), after a confirmation: its active
 * proposals are canceled, it stays readable, and its owners may restore it. */
function Deactivate({ dao }) {
  const [asking, setAsking] = useState(false);
  const [state, run] = useAction();
  const confirm = () => run(dao.path, { method: "DELETE", onSuccess: () => { setAsking(false); dao.reload(); } });
  return html`<button type="button" class="secondary" onClick=${() => setAsking(true)}>Deactivate this DAO</button>
    <${Dialog} id="deactivate-dao" title="Deactivate this DAO?" open=${asking} onClose=${() => setAsking(false)}>
      <p>Its active proposals are canceled and nothing in it can change until one of its owners restores it.
        It stays readable.</p>
      <div class="form-actions">
        <button type="button" onClick=${confirm} disabled=${state.phase === "sending"}>Deactivate</button>
        <button type="button" class="secondary" onClick=${() => setAsking(false)}>Keep it active</button>
      </div>
      <${ActionStatus} state=${state} />
    <//>`;
}

/** The type rules as read: "treasury: quorum 40 %, voting type approval". */
function TypeRules({ rules }) {
  const entries = Object.entries(rules || {});
  if (!entries.length) return "none";
  const shown = (value) => (typeof value === "string" && /^\d+\.\d+$/.test(value) ? amount(value) : value);
  return html`<ul class="plain-list">${entries.map(([type, rule]) => html`<li key=${type}><strong>${type}</strong>${": "}
    ${Object.entries(rule).map(([name, value]) => `${name.replace(/_/g, " ")} ${shown(value)}`).join(", ") || "no changes"}</li>`)}</ul>`;
}

const COUNT_LIMIT = 100; // counts above it read "100+"

function StatusCount({ dao, status }) {
  const list = usePages(`${dao.path}/proposals`, { status }, COUNT_LIMIT);
  const count = list.loading ? "…" : `${list.items.length}${list.hasMore ? "+" : ""}`;
  return html`<div><dt>${status}</dt><dd>${count}</dd></div>`;
}

function Settings({ dao }) {
  const d = dao.dao;
  return html`<dl class="facts settings">
    <div><dt>Governance model</dt><dd>${d.governance_model}</dd></div>
    <div><dt>Quorum</dt><dd>${percent(d.quorum_percent)}</dd></div>
    <div><dt>Pass threshold</dt><dd>${percent(d.pass_threshold_percent)}</dd></div>
    <div><dt>Voting period</dt><dd>${duration(d.voting_period_seconds)}</dd></div>
    <div><dt>Vote change</dt><dd>${d.allow_vote_change ? "allowed" : "not allowed"}</dd></div>
    <div><dt>Visibility</dt><dd>${d.is_public ? "public" : "private"}</dd></div>
    <div><dt>Type</dt><dd>${d.dao_type}</dd></div>
    <div><dt>Owner</dt><dd>${d.owner_subject_id}</dd></div>
    ${d.microdao_id && html`<div><dt>MicroDAO</dt><dd>${d.microdao_id}</dd></div>`}
    <div><dt>Late-quorum extension</dt><dd>${d.late_quorum_extension_seconds ? duration(d.late_quorum_extension_seconds) : "off"}</dd></div>
    <div><dt>Early pass</dt><dd>${d.early_pass ? "on" : "off"}</dd></div>
    <div><dt>Ballots</dt><dd>${d.ballot_secrecy === "secret_until_close" ? "secret until the close" : "public"}</dd></div>
    <div><dt>Rules per proposal type</dt><dd><${TypeRules} rules=${d.type_rules} /></dd></div>
  </dl>`;
}

export function OverviewTab({ dao }) {
  const [editing, setEditing] = useState(false);
  const statuses = useQueryChoices("/api/v1/daos/{slug}/proposals", "status");
  const { overview } = dao;
  return html`<h2>Overview</h2>
    ${dao.dao.description && html`<p class="description">${dao.dao.description}</p>`}
    <div class="grid">
      <section class="card" aria-labelledby="settings-title">
        <h3 id="settings-title">Settings</h3>
        <${Settings} dao=${dao} />
        ${dao.can("can_manage_dao") && dao.dao.is_active && html`
          <button type="button" aria-expanded=${editing} onClick=${() => setEditing(!editing)}>
            ${editing ? "Stop editing settings" : "Edit settings"}</button>
          ${editing && html`<${ApiForm} schema="DaoSettings" idPrefix="settings" path=${dao.path} method="PATCH"
            record=${dao.dao} labels=${DAO_LABELS} hints=${DAO_HINTS} order=${DAO_ORDER}
            custom=${daoCustom("DaoSettings")} submit="Save settings"
            done=${() => "Settings saved."} onDone=${() => { setEditing(false); dao.reload(); }} />`}
          <${Deactivate} dao=${dao} />`}
      </section>
      <section class="card" aria-labelledby="stats-title">
        <h3 id="stats-title">Figures</h3>
        <dl class="facts">
          <div><dt>Active members</dt><dd>${overview.members_count}</dd></div>
          <div><dt>Active proposals</dt><dd>${overview.active_proposals_count}</dd></div>
        </dl>
        <h4>Proposals by status</h4>
        <dl class="facts">${statuses.map((status) => html`<${StatusCount} key=${status} dao=${dao} status=${status} />`)}</dl>
        <h4>Treasury</h4>
        ${overview.treasury_items.length === 0 ? html`<p>No tokens yet.</p>` : html`<dl class="facts">
          ${overview.treasury_items.map((item) => html`<div key=${item.token_symbol}>
            <dt>${item.token_symbol}</dt><dd>${amount(item.balance)}</dd></div>`)}</dl>`}
      </section>
    </div>
    <${ProjectsSection} dao=${dao} />`;
}
