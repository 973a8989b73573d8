// The dashboard's URLs (api/dashboard/pages.py serves the same shell for each): parse, navigate, link.
import { useEffect, useState } from "preact/hooks";
import { emit, on } from "./bus.js";
import { html } from "./html.js";

export const TABS = ["overview", "proposals", "treasury", "members", "activity"];

export function parseRoute(location = window.location) {
  const parts = location.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const search = new URLSearchParams(location.search);
  if (parts[0] !== "dao") return { page: "missing" };
  if (parts.length === 1) return { page: "daos", microdaoId: search.get("microdao_id") };
  const slug = parts[1];
  if (parts.length === 2) return { page: "dao", slug, tab: "overview" };
  if (parts.length === 3 && TABS.includes(parts[2])) return { page: "dao", slug, tab: parts[2] };
  if (parts.length === 4 && parts[2] === "proposals") return { page: "proposal", slug, pslug: parts[3] };
  return { page: "missing" };
}

export const daoUrl = (slug, tab = "overview") =>
  `/dao/${encodeURIComponent(slug)}${tab === "overview" ? "" : `/${tab}`}`;
export const proposalUrl = (slug, pslug) => `${daoUrl(slug, "proposals")}/${encodeURIComponent(pslug)}`;

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  emit("route");
}

export function useRoute() {
  const [route, setRoute] = useState(parseRoute());
  useEffect(() => {
    const update = () => setRoute(parseRoute());
    window.addEventListener("popstate", update);
    const off = on("route", update);
    return () => { window.removeEventListener("popstate", update); off(); };
  }, []);
  return route;
}

/** An <a> that navigates inside the page (a modified click or middle click opens a new tab). */
export function Link({ href, children, ...rest }) {
  const onClick = (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return html`<a href=${href} onClick=${onClick} ...${rest}>${children}</a>`;
}
