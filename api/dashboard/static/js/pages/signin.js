// Sign-in: paste a token; while the API runs with the development secret, mint one for a subject.
import { useState } from "preact/hooks";
import { html } from "../core/html.js";
import { api } from "../core/api.js";
import { describe } from "../core/errors.js";
import { lastSignOutReason, signIn } from "../core/session.js";
import { useResource } from "../core/resource.js";
import { SelectField, TextField } from "../ui/fields.js";

/** Keep `token` once the API accepted it (GET the caller's time-credit account with it). */
async function tryToken(token) {
  await api("/timebank/balance", { bearer: token });
  signIn(token);
}

function TokenForm() {
  const [token, setToken] = useState("");
  const [error, setError] = useState(null);
  async function onSubmit(event) {
    event.preventDefault();
    setError(null);
    try {
      await tryToken(token.trim());
    } catch (failure) {
      setError(failure.status === 401 ? `The API refused this token: ${failure.detail}.` : describe(failure));
    }
  }
  return html`<form onSubmit=${onSubmit} class="card" noValidate>
    <${TextField} id="token" label="Token" value=${token} onValue=${setToken} autocomplete="off"
      spellcheck="false" hint="A bearer token (JWT) for your subject." errors=${error ? [error] : []} />
    <div class="form-actions"><button type="submit" disabled=${!token.trim()}>Sign in</button></div>
  </form>`;
}

function DevelopmentSignIn() {
  const [subject, setSubject] = useState("");
  const [subjectType, setSubjectType] = useState("user");
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  async function onSubmit(event) {
    event.preventDefault();
    setErrors({});
    setError(null);
    try {
      const { data } = await api("/auth/development/tokens", {
        method: "POST", body: { subject_id: subject.trim(), subject_type: subjectType },
      });
      await tryToken(data.token);
    } catch (failure) {
      if (failure.status === 422) setErrors(failure.errors);
      else setError(describe(failure));
    }
  }
  return html`<form onSubmit=${onSubmit} class="card" aria-labelledby="dev-title" noValidate>
    <h2 id="dev-title">Development sign-in</h2>
    <p class="hint">This API runs with the development JWT secret: any subject may sign in here.
      It is never offered with a configured secret.</p>
    <${TextField} id="dev-subject" label="Subject id" value=${subject} onValue=${setSubject}
      placeholder="user:alice" errors=${errors.subject_id || []} />
    <${SelectField} id="dev-subject-type" label="Subject type" value=${subjectType}
      onValue=${setSubjectType} options=${["user", "agent"]} errors=${errors.subject_type || []} />
    <div class="form-actions"><button type="submit" disabled=${!subject.trim()}>Sign in for development</button></div>
    ${error && html`<p class="status error" role="alert">${error}</p>`}
  </form>`;
}

export function SignInPage() {
  const development = useResource("/auth/development");
  const reason = lastSignOutReason();
  return html`<main id="main" class="signin">
    <h1>Sign in to the DAO dashboard</h1>
    ${reason && html`<p class="notice" role="alert">${reason}</p>`}
    <${TokenForm} />
    ${development.data && development.data.available && html`<${DevelopmentSignIn} />`}
  </main>`;
}
