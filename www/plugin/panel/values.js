// @ts-check
// Field values as people read them in the preview and the history: a birthday as a date ("3
// August", "3 August 1990"), and a change of a list (emails, phones, addresses) as what was added
// and removed rather than the whole list before and after.

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** The fields whose values are lists, their items joined by "; ". */
const LISTS = new Set(["emails", "phones", "addresses"]);

/**
 * A birthday ("--08-03", "1990-08-03") as a date in words; any other text as it is.
 * @param {string} s
 */
export function birthdayText(s) {
  const m = /^(?:(\d{4})|-)-(\d{2})-(\d{2})$/.exec(s.trim());
  if (!m) return s;
  const month = MONTHS[Number(m[2]) - 1];
  const day = Number(m[3]);
  if (!month || day < 1 || day > 31) return s;
  return m[1] ? `${day} ${month} ${m[1]}` : `${day} ${month}`;
}

/**
 * A field's value as shown.
 * @param {string} field
 * @param {string} s
 */
export function valueText(field, s) {
  return field === "birthday" ? birthdayText(s) : s;
}

/**
 * What changed in a field, for a list field whose items were both before and after: the items
 * added and removed, or `reordered` when it holds the same items (another order, another
 * primary). Null for other fields, and for a list written where it was empty or emptied.
 * @param {{ field: string, before: string, after: string }} d
 * @returns {{ added: string[], removed: string[] } | null}
 */
export function listChange(d) {
  if (!LISTS.has(d.field) || !d.before || !d.after) return null;
  const before = d.before.split("; ");
  const after = d.after.split("; ");
  return { added: after.filter((x) => !before.includes(x)), removed: before.filter((x) => !after.includes(x)) };
}
