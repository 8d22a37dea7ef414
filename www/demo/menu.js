// @ts-check
// The demo CRM's "More Actions" menus, as a menu button (WAI-ARIA menu button pattern): Enter/Space/ArrowDown open, arrows move,
// Escape closes and returns focus, Tab or a click outside closes.

import { h, clear, uid } from "../plugin/dom.js";

/**
 * @typedef {{ label: string, run(): void }} MenuItem
 * @typedef {object} MenuOptions
 * @property {string} label The button's text.
 * @property {() => MenuItem[]} items Read each time the menu opens.
 * @property {string} [className]
 * @property {(listener: () => void) => () => void} [onItemsChange] Subscribes to changes of
 *   the items; returns the unsubscribe.
 */

/**
 * A menu button: the button and its menu, built from `items()` each time it opens.
 * @param {MenuOptions} o
 */
export function menuButton({ label, items, className = "", onItemsChange }) {
  const menuId = uid("menu");
  const wrap = h("div", { class: "menu-wrap" });
  const button = h("button", { type: "button", class: ["btn", className], "aria-haspopup": "menu", "aria-expanded": "false", "aria-controls": menuId }, label, h("span", { class: "caret", "aria-hidden": "true", text: "▾" }));
  const menu = h("ul", { class: "menu", role: "menu", id: menuId, "aria-label": label, hidden: true });
  wrap.append(button, menu);

  const menuItems = () => /** @type {HTMLElement[]} */ ([...menu.querySelectorAll('[role="menuitem"]:not([aria-disabled="true"])')]);
  /** @param {Event} e */
  function onDocPointer(e) {
    if (!wrap.contains(/** @type {Node | null} */ (e.target))) close(false);
  }
  function open(focusLast = false) {
    clear(menu);
    const entries = items();
    if (entries.length === 0) {
      menu.append(h("li", { role: "none" }, h("span", { role: "menuitem", "aria-disabled": "true", class: "menu-empty", tabIndex: -1, text: "No actions available" })));
    }
    for (const entry of entries) {
      const item = h("button", { type: "button", role: "menuitem", tabIndex: -1, text: entry.label, onclick: () => {
        close(true);
        entry.run();
      } });
      menu.append(h("li", { role: "none" }, item));
    }
    menu.hidden = false;
    // The menu hangs from the button's right end; near the left edge it hangs from its left end
    // instead, so none of it is cut off.
    menu.classList.remove("menu-start");
    if (menu.getBoundingClientRect().left < 0) menu.classList.add("menu-start");
    button.setAttribute("aria-expanded", "true");
    document.addEventListener("pointerdown", onDocPointer, true);
    const list = menuItems();
    (focusLast ? list[list.length - 1] : list[0] || /** @type {HTMLElement | null} */ (menu.querySelector('[role="menuitem"]')))?.focus();
  }
  /** @param {boolean} focusButton */
  function close(focusButton) {
    if (menu.hidden) return;
    menu.hidden = true;
    button.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", onDocPointer, true);
    if (focusButton) button.focus();
  }
  button.addEventListener("click", () => (menu.hidden ? open() : close(true)));
  // Entries registered while the menu is open (a plugin that finishes loading) show at once.
  if (onItemsChange) {
    const off = onItemsChange(() => {
      if (!wrap.isConnected) off();
      else if (!menu.hidden) open();
    });
  }
  button.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      open(e.key === "ArrowUp");
    }
  });
  menu.addEventListener("keydown", (e) => {
    const list = menuItems();
    const i = list.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    if (e.key === "Escape") {
      e.preventDefault();
      close(true);
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      list[(i + 1) % list.length]?.focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      list[(i - 1 + list.length) % list.length]?.focus();
    } else if (e.key === "Home") {
      e.preventDefault();
      list[0]?.focus();
    } else if (e.key === "End") {
      e.preventDefault();
      list[list.length - 1]?.focus();
    } else if (e.key === "Tab") {
      close(false);
    }
  });
  wrap.addEventListener("focusout", (e) => {
    if (e.relatedTarget && !wrap.contains(/** @type {Node} */ (e.relatedTarget))) close(false);
  });
  return { element: wrap, button, close };
}
