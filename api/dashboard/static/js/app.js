// The dashboard's entry: the sign-in gate, the top bar (time credits on every page) and the page
// the URL names (core/router.js).
import { useEffect, useRef, useState } from "preact/hooks";
import { html, render } from "./core/html.js";
import { on } from "./core/bus.js";
import { claims, signOut, token } from "./core/session.js";
import { Link, useRoute } from "./core/router.js";
import { SignInPage } from "./pages/signin.js";
import { DaoListPage } from "./pages/dao-list.js";
import { DaoPage } from "./dao/dao-page.js";
import { TimeCredits } from "./ui/time-credits.js";

function useSignedIn() {
  const [signedIn, setSignedIn] = useState(Boolean(token()));
  useEffect(() => on("session", setSignedIn), []);
  return signedIn;
}

function Page({ route }) {
  switch (route.page) {
    case "daos": return html`<${DaoListPage} microdaoId=${route.microdaoId} />`;
    case "dao":
    case "proposal": return html`<${DaoPage} route=${route} />`;
    default: return html`<h1>Page not found</h1><p><${Link} href="/dao">Go to your DAOs<//></p>`;
  }
}

function App() {
  const signedIn = useSignedIn();
  const route = useRoute();
  const main = useRef(null);
  const first = useRef(true);
  useEffect(() => { // after a navigation, keyboard and screen reader users start at the new page
    if (first.current) first.current = false;
    else if (main.current) main.current.focus();
  }, [route.page, route.slug, route.tab, route.pslug]);
  if (!signedIn) return html`<${SignInPage} />`;
  const me = claims();
  return html`<header class="top">
      <${Link} class="brand" href="/dao">DAO dashboard<//>
      <${TimeCredits} />
      <span class="who">Signed in as <strong>${me ? me.sub : "?"}</strong></span>
      <button type="button" class="plain" onClick=${() => signOut()}>Sign out</button>
    </header>
    <main id="main" tabindex="-1" ref=${main}><${Page} route=${route} /></main>`;
}

const root = document.getElementById("app");
root.textContent = ""; // the "Loading" line of the shell
render(html`<${App} />`, root);
