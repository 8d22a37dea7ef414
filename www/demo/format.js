// @ts-check
// How the demo CRM shows contacts' values: search folding, initials, dates, addresses, status
// pills, and safe mailto: links.

import { h } from "../plugin/dom.js";
import { fullName } from "./host.js";

export const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
export const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
export const dateTimeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * Lower-cased and without accents, for search.
 * @param {unknown} s
 */
export function fold(s) {
  return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/** @param {unknown} s */
function slug(s) {
  return fold(s).replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/**
 * One or two letters for a contact's avatar.
 * @param {{ firstName?: string, lastName?: string, middleName?: string }} c
 */
export function initials(c) {
  const parts = [c.firstName, c.lastName].filter((p) => typeof p === "string" && p !== "");
  const src = parts.length ? parts : [fullName(c)];
  return src.map((p) => Array.from(String(p).trim())[0] || "").join("").toUpperCase().slice(0, 2) || "?";
}

/** A `mailto:` link for one address: everything but the "@" percent-encoded, so an address
 *  holding "?" or "&" cannot add headers (`?bcc=`) or recipients to the mail.
 * @param {string} address */
export function mailto(address) {
  return "mailto:" + encodeURIComponent(String(address)).replace(/%40/g, "@");
}

/**
 * "July 14, 1985", or "July 14" without a year.
 * @param {string | undefined} b "YYYY-MM-DD" or "--MM-DD"
 */
export function formatBirthday(b) {
  const m = /^(?:(\d{4})-|--)(\d{2})-(\d{2})$/.exec(b || "");
  if (!m) return b || "";
  const d = new Date(Date.UTC(m[1] ? Number(m[1]) : 2000, Number(m[2]) - 1, Number(m[3])));
  /** @type {Intl.DateTimeFormatOptions} */
  const opts = { month: "long", day: "numeric", timeZone: "UTC" };
  if (m[1]) opts.year = "numeric";
  return new Intl.DateTimeFormat(undefined, opts).format(d);
}

/**
 * An address as its lines.
 * @param {import("../types").CrmAddress} a
 */
export function formatAddress(a) {
  const lines = [a.street, a.extended, [a.postalCode, a.city].filter(Boolean).join(" "), a.region, a.country || a.countryCode];
  return lines.filter(Boolean);
}

/** @param {string | undefined} status */
export function statusPill(status) {
  if (!status) return h("span", { class: "pill pill-none", text: "—" });
  return h("span", { class: `pill status-${slug(status)}`, text: status });
}
