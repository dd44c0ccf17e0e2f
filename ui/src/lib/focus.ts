/**
 * Puts keyboard focus on `node` once it is on screen, unless focus is already
 * somewhere else (or always, when `takeover`: the lock covers an inert shell). Used instead of the `autofocus` attribute outside dialogs:
 * WebKit can act on that attribute late (when the window is first activated)
 * and pull focus out of a field the person is typing in — the end-to-end
 * tests caught it typing the rest of a password into the e-mail field.
 */
export function focusOnMount(node: HTMLElement, takeover = false): void {
  queueMicrotask(() => {
    const free = document.activeElement === null || document.activeElement === document.body;
    if (takeover || free) node.focus();
  });
}
