// @ts-check
// The demo CRM's navigation on narrow screens: under 900 px CSS hides the sidebar, and the top
// bar's "Menu" button (index.html) opens it over the page.

/**
 * Wires the "Menu" button: it opens the sidebar and moves the focus to its first link (the sidebar
 * comes before the button in the page, so Tab alone would not reach it); Escape, a link followed,
 * a click outside or the focus leaving close it, and Escape returns the focus to the button.
 */
export function navMenu() {
  const button = /** @type {HTMLButtonElement | null} */ (document.querySelector(".nav-toggle"));
  const sidebar = document.getElementById("sidebar");
  const layout = sidebar?.parentElement;
  if (!button || !sidebar || !layout) return;
  const isOpen = () => button.getAttribute("aria-expanded") === "true";
  /** @param {boolean} open @param {boolean} [focusButton] */
  const set = (open, focusButton = false) => {
    button.setAttribute("aria-expanded", String(open));
    layout.classList.toggle("nav-open", open);
    if (open) /** @type {HTMLElement | null} */ (sidebar.querySelector("a[href]"))?.focus();
    else if (focusButton) button.focus();
  };
  button.addEventListener("click", () => set(!isOpen(), isOpen()));
  sidebar.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && isOpen()) {
      e.preventDefault();
      set(false, true);
    }
  });
  sidebar.addEventListener("click", (e) => {
    if (isOpen() && /** @type {Element} */ (e.target).closest("a[href]")) set(false);
  });
  sidebar.addEventListener("focusout", (e) => {
    const to = /** @type {Node | null} */ (e.relatedTarget);
    if (isOpen() && to && !sidebar.contains(to) && to !== button) set(false);
  });
  document.addEventListener("pointerdown", (e) => {
    const at = /** @type {Node} */ (e.target);
    if (isOpen() && !sidebar.contains(at) && !button.contains(at)) set(false);
  }, true);
}
