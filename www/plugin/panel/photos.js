// @ts-check
// The preview's photos: each photo a sync moves (a linked contact's, after its other changes),
// with the side it is written on and whether it is added there, changed or removed.

import { h } from "../dom.js";
import { plural } from "../messages.js";

/** @typedef {import("../../types").Plan["photos"][number]} PhotoChange */

/** @param {PhotoChange} p */
function photoText(p) {
  const side = p.side === "crm" ? "the CRM" : "Google";
  const what = p.change === "removed" ? "removed from" : p.change === "added" ? "added in" : "changed in";
  return `Photo ${what} ${side}: ${p.name || "(no name)"}`;
}

/**
 * The preview text's lines for the photos.
 * @param {import("../../types").Plan} plan
 * @returns {string[]}
 */
export function photoLines(plan) {
  return (plan.photos || []).map(photoText);
}

/**
 * The preview's section of photos, when the sync moves any; `id` is its heading's, where the
 * count jumps to.
 * @param {import("../../types").Plan} plan
 * @param {string} id
 * @returns {HTMLElement | null}
 */
export function photoSection(plan, id) {
  const photos = plan.photos || [];
  if (!photos.length) return null;
  return h("div", { class: "gcs-photos", "data-gcs-photos": "" },
    h("h5", { id, tabIndex: -1, text: `Photos (${photos.length})` }),
    h("p", { class: "gcs-hint", text: `Apply moves ${plural(photos.length, "photo")} once the other changes are made.` }),
    h("ul", {}, photos.map((p) => h("li", { "data-crm-id": p.crmId, "data-side": p.side, "data-change": p.change, text: photoText(p) }))));
}
