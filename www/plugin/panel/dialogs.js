// @ts-check
// The panel's dialogs and downloads: a modal confirmation, and saving a backup as a file.

import { h, uid } from "../dom.js";

/**
 * A modal confirmation; resolves true when the user confirms.
 * @param {HTMLElement} root Where the dialog is added (inside the panel, for its styles).
 * @param {{ title: string, body: string | string[], confirm: string, danger?: boolean }} o
 * @returns {Promise<boolean>}
 */
export function confirmDialog(root, { title, body, confirm, danger = true }) {
  return new Promise((resolve) => {
    const titleId = uid("gcs-dlg");
    const bodyId = uid("gcs-dlg-body");
    const ok = h("button", { type: "button", class: ["gcs-btn", danger ? "gcs-btn-danger" : "gcs-btn-primary"], text: confirm });
    const cancel = h("button", { type: "button", class: "gcs-btn", text: "Cancel" });
    // Described by its message, so a screen reader reads what confirming does, not only the title.
    const dialog = h("dialog", { class: "gcs-dialog", "aria-labelledby": titleId, "aria-describedby": bodyId },
      h("h3", { id: titleId, text: title }),
      h("div", { id: bodyId }, [body].flat().map((p) => h("p", { text: p }))),
      h("div", { class: "gcs-dialog-actions" }, cancel, ok));
    // Cancelled, the focus goes back where it was (the button that opened the dialog);
    // confirmed, the action that follows places it on its result.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    let answered = false;
    /** @param {boolean} v */
    const finish = (v) => {
      if (answered) return;
      answered = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      if (!v && opener && opener.isConnected) opener.focus();
      resolve(v);
    };
    ok.addEventListener("click", () => finish(true));
    cancel.addEventListener("click", () => finish(false));
    dialog.addEventListener("close", () => finish(false));
    root.append(dialog);
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
    cancel.focus();
  });
}

/**
 * Saves `text` as a file through a Blob URL and an <a download>.
 * @param {string} text
 * @param {string} filename
 */
export function downloadText(text, filename, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: filename, class: "gcs-hidden-link" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * A string made safe for a file name.
 * @param {string | null | undefined} s
 */
export function safeFilePart(s) {
  return String(s || "account").replace(/[^A-Za-z0-9@._-]+/g, "_");
}
