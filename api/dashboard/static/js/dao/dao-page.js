// /dao/<slug>[/<tab>] and /dao/<slug>/proposals/<pslug>: the DAO's header, its tabs (each a link
// with its own URL) and the page of the tab; what the caller may do comes from the API's own
// permission answer (GET .../permissions).
import { html } from "../core/html.js";
import { Link, TABS, daoUrl } from "../core/router.js";
import { useResource } from "../core/resource.js";
import { claims } from "../core/session.js";
import { humanize } from "../core/format.js";
import { LoadError, Loading } from "../ui/status.js";
import { liveWords, useDaoEvents } from "./live.js";
import { OverviewTab } from "./overview.js";
import { ProposalsTab } from "./proposals.js";
import { TreasuryTab } from "./treasury.js";
import { MembersTab } from "./members.js";
import { ActivityTab } from "./activity.js";
import { ProposalPage } from "../proposal/proposal-page.js";
import { useAction } from "../core/actions.js";
import { ActionStatus } from "../ui/status.js";

const PANELS = {
  overview: OverviewTab, proposals: ProposalsTab, treasury: TreasuryTab, members: MembersTab, activity: ActivityTab,
};

function Forbidden({ error }) {
  return html`<section class="notice error" role="alert" aria-labelledby="denied-title">
    <h1 id="denied-title">You cannot open this DAO</h1>
    <p>${error.detail.includes("private")
      ? "This DAO is private to its members, and you are not one of them. Ask one of its managers to add you."
      : `The API refused: ${error.detail}.`}</p>
    <p><${Link} href="/dao">Back to your DAOs<//></p>
  </section>`;
}

/** A deactivated DAO: read-only, and its owners may restore it (POST .../restore; the API decides). */
function Deactivated({ dao }) {
  const [state, run] = useAction();
  const owner = dao.member && dao.member.status === "active" && (dao.member.roles || [dao.member.role]).includes("owner");
  return html`<div class="notice" role="region" aria-label="Deactivated DAO">
    <p>This DAO is deactivated: it can be read but not changed.${owner ? " As its owner you may restore it." : ""}</p>
    ${owner && html`<button type="button" onClick=${() => run(`${dao.path}/restore`, { body: {}, onSuccess: dao.reload })}>
      Restore this DAO</button>
      <${ActionStatus} state=${state} done=${() => "Restored."} />`}
  </div>`;
}

function Tabs({ slug, current }) {
  return html`<nav class="tabs" aria-label="DAO sections">
    <ul>${TABS.map((tab) => html`<li key=${tab}>
      <${Link} href=${daoUrl(slug, tab)} aria-current=${tab === current ? "page" : undefined}>${humanize(tab)}<//>
    </li>`)}</ul>
  </nav>`;
}

export function DaoPage({ route }) {
  const { slug } = route;
  const overview = useResource(`/daos/${encodeURIComponent(slug)}`);
  const permissions = useResource(`/daos/${encodeURIComponent(slug)}/permissions`);
  // The caller's own membership (404: not a member, which is no error here).
  const membership = useResource(`/daos/${encodeURIComponent(slug)}/members/${encodeURIComponent(claims().sub)}`);
  const live = useDaoEvents(slug);
  const reload = () => { overview.reload(); permissions.reload(); membership.reload(); };
  const error = overview.error || permissions.error;
  if (error && error.status === 403) return html`<${Forbidden} error=${error} />`;
  if (error) return html`<${LoadError} error=${error} retry=${reload} />`;
  if (!overview.data || !permissions.data) return html`<${Loading} what="Loading the DAO" />`;

  const entitlements = new Set(permissions.data.entitlements);
  const context = {
    slug, path: `/daos/${encodeURIComponent(slug)}`, overview: overview.data, dao: overview.data.dao,
    me: permissions.data.subject_id, member: membership.data, can: (entitlement) => entitlements.has(entitlement),
    reload, live,
  };
  const tab = route.page === "proposal" ? "proposals" : route.tab;
  const Panel = PANELS[tab];
  return html`<div class="dao-head">
      <h1>${context.dao.name}</h1>
      <p class="live" role="status">Live updates: ${liveWords(live.state)}</p>
    </div>
    ${!context.dao.is_active && html`<${Deactivated} dao=${context} />`}
    <${Tabs} slug=${slug} current=${tab} />
    <section class="panel" aria-label=${humanize(tab)}>
      ${route.page === "proposal"
        ? html`<${ProposalPage} key=${route.pslug} dao=${context} pslug=${route.pslug} />`
        : html`<${Panel} dao=${context} />`}
    </section>`;
}
