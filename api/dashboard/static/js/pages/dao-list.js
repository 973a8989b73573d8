// /dao: the caller's DAOs (and the public ones, toggled) as cards, and "Create DAO";
// /dao?microdao_id=X: the microDAO console entry (SPEC S0 9).
import { useState } from "preact/hooks";
import { html } from "../core/html.js";
import { Link, daoUrl } from "../core/router.js";
import { usePages, useResource } from "../core/resource.js";
import { CheckField, TextField } from "../ui/fields.js";
import { LoadError, Loading } from "../ui/status.js";
import { CreateDaoDialog } from "./create-dao.js";

const PAGE_SIZE = 24;

function DaoCard({ dao }) {
  const overview = useResource(`/daos/${encodeURIComponent(dao.slug)}`);
  const figures = overview.data;
  return html`<li class="card dao-card">
    <h2><${Link} href=${daoUrl(dao.slug)}>${dao.name}<//></h2>
    ${dao.description && html`<p class="description">${dao.description}</p>`}
    <dl class="facts">
      <div><dt>Type</dt><dd>${dao.dao_type}</dd></div>
      <div><dt>Model</dt><dd>${dao.governance_model}</dd></div>
      <div><dt>Members</dt><dd>${figures ? figures.members_count : "…"}</dd></div>
      <div><dt>Active proposals</dt><dd>${figures ? figures.active_proposals_count : "…"}</dd></div>
      <div><dt>Visibility</dt><dd>${dao.is_public ? "public" : "private"}</dd></div>
      ${dao.project_ids && dao.project_ids.length > 0 && html`<div><dt>Projects</dt><dd>${dao.project_ids.join(", ")}</dd></div>`}
      ${dao.is_active === false && html`<div><dt>State</dt><dd>deactivated (its owners may restore it)</dd></div>`}
    </dl>
  </li>`;
}

function DaoCards({ list }) {
  if (list.error) return html`<${LoadError} error=${list.error} retry=${list.reload} />`;
  return html`
    ${!list.loading && list.items.length === 0 && html`<p>No DAO to show yet.</p>`}
    <ul class="cards">${list.items.map((dao) => html`<${DaoCard} key=${dao.slug} dao=${dao} />`)}</ul>
    ${list.loading && html`<${Loading} what="Loading DAOs" />`}
    ${list.hasMore && html`<button type="button" onClick=${list.loadMore}>Load more DAOs</button>`}`;
}

/** A slug made from a microDAO id: 3 to 64 of a-z and 0-9 with single hyphens between them. */
export function slugFrom(text) {
  const slug = text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 64).replace(/-+$/, "");
  return slug.length >= 3 ? slug : `${slug}-dao`.replace(/^-/, "");
}

function ConsoleEntry({ microdaoId }) {
  const linked = usePages("/daos", { microdao_id: microdaoId, public: true }, PAGE_SIZE);
  const [creating, setCreating] = useState(false);
  if (linked.error) return html`<${LoadError} error=${linked.error} retry=${linked.reload} />`;
  if (linked.loading) return html`<${Loading} what="Looking for the DAO of this microDAO" />`;
  return html`<h1>Governance of microDAO ${microdaoId}</h1>
    ${linked.items.length > 0
      ? html`<ul class="plain-list">${linked.items.map((dao) => html`<li key=${dao.slug}>
          <${Link} class="button" href=${daoUrl(dao.slug)}>Open DAO dashboard<//> ${dao.name}</li>`)}</ul>`
      : html`<p>No DAO governs this microDAO yet.</p>
        <button type="button" onClick=${() => setCreating(true)}>Create DAO governance</button>
        <${CreateDaoDialog} open=${creating} onClose=${() => setCreating(false)}
          initial=${{ microdao_id: microdaoId, slug: slugFrom(microdaoId), name: microdaoId }} />`}`;
}

export function DaoListPage({ microdaoId }) {
  const [includePublic, setIncludePublic] = useState(false);
  const [creating, setCreating] = useState(false);
  const [project, setProject] = useState({ typed: "", applied: "" });
  const list = usePages("/daos", { public: includePublic || undefined, project_id: project.applied }, PAGE_SIZE);
  const applyProject = (event) => { event.preventDefault(); setProject({ ...project, applied: project.typed.trim() }); };
  if (microdaoId) return html`<${ConsoleEntry} microdaoId=${microdaoId} />`;
  return html`<h1>Your DAOs</h1>
    <div class="toolbar">
      <${CheckField} id="include-public" label="Show public DAOs too" checked=${includePublic}
        onValue=${setIncludePublic} />
      <button type="button" onClick=${() => setCreating(true)}>Create DAO</button>
    </div>
    <form class="inline-form" role="search" aria-label="DAOs by project" onSubmit=${applyProject}>
      <${TextField} id="project-filter" label="Linked to project" value=${project.typed}
        onValue=${(typed) => setProject({ ...project, typed })} hint="Empty: every DAO." />
      <div class="form-actions"><button type="submit" class="secondary">Filter</button></div>
    </form>
    <${DaoCards} list=${list} />
    <${CreateDaoDialog} open=${creating} onClose=${() => setCreating(false)} />`;
}
