// The external projects a DAO links (GET/PUT/DELETE /daos/{slug}/projects/{project_id}): listed
// for every reader, linked and unlinked by can_manage_dao. A project id names a project of another
// system (a microDAO's); the API checks its syntax and answers 422 beside the field.
import { useState } from "preact/hooks";
import { html } from "../core/html.js";
import { when } from "../core/format.js";
import { fieldErrors, useAction } from "../core/actions.js";
import { usePages } from "../core/resource.js";
import { TextField, messagesFor } from "../ui/fields.js";
import { ActionStatus, LoadError } from "../ui/status.js";

function ProjectItem({ dao, link, manage, onChanged }) {
  const [state, run] = useAction();
  const path = `${dao.path}/projects/${encodeURIComponent(link.project_id)}`;
  return html`<li>
    <strong>${link.project_id}</strong> <span class="meta">linked ${when(link.linked_at)}</span>
    ${manage && html` <button type="button" class="plain"
      onClick=${() => run(path, { method: "DELETE", onSuccess: onChanged })}>Unlink ${link.project_id}</button>
      <${ActionStatus} state=${state} done=${() => "Unlinked."} />`}
  </li>`;
}

export function ProjectsSection({ dao }) {
  const links = usePages(`${dao.path}/projects`, {}, 100);
  const [projectId, setProjectId] = useState("");
  const [state, run] = useAction();
  const manage = dao.can("can_manage_dao") && dao.dao.is_active;
  const refresh = () => { links.reload(); dao.reload(); };
  async function onSubmit(event) {
    event.preventDefault();
    const id = projectId.trim();
    // An empty or slash-holding id would name another route: the API's own words for a bad id.
    const done = await run(`${dao.path}/projects/${encodeURIComponent(id || " ")}`, { method: "PUT", onSuccess: refresh });
    if (done) setProjectId("");
  }
  return html`<section class="card" aria-labelledby="projects-title">
    <h3 id="projects-title">Projects</h3>
    ${links.error && html`<${LoadError} error=${links.error} retry=${links.reload} />`}
    ${!links.loading && links.items.length === 0 && html`<p>This DAO links no projects.</p>`}
    <ul class="plain-list" aria-label="Linked projects">${links.items.map((link) => html`<${ProjectItem}
      key=${link.project_id} dao=${dao} link=${link} manage=${manage} onChanged=${refresh} />`)}</ul>
    ${links.hasMore && html`<button type="button" onClick=${links.loadMore}>Load more projects</button>`}
    ${manage && html`<form class="inline-form" onSubmit=${onSubmit} noValidate>
      <${TextField} id="project-id" label="Project id" value=${projectId} onValue=${setProjectId}
        errors=${messagesFor(fieldErrors(state), "project_id")} hint="A project of another system, e.g. microdao:42." />
      <div class="form-actions"><button type="submit">Link project</button></div>
    </form>
    <${ActionStatus} state=${state} done=${(link) => (link ? `Linked ${link.project_id}.` : "Done.")} />`}
  </section>`;
}
