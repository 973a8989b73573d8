// A modal dialog on the native <dialog> element: focus stays inside, Escape closes it.
import { useEffect, useRef } from "preact/hooks";
import { html } from "../core/html.js";

export function Dialog({ id, title, open, onClose, children }) {
  const ref = useRef(null);
  useEffect(() => {
    const dialog = ref.current;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return html`<dialog ref=${ref} aria-labelledby=${`${id}-title`} onClose=${onClose}>
    <div class="dialog-head">
      <h2 id=${`${id}-title`}>${title}</h2>
      <button type="button" class="plain" onClick=${onClose}>Close</button>
    </div>
    ${open && children}
  </dialog>`;
}
