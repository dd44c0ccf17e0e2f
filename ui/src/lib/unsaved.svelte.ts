// Forms and editors with input not yet saved. Leaving them — another screen,
// signing out — asks first (UnsavedDialog, in the shell); the lock does not
// ask, because the screen stays mounted under it and keeps the input.
import { untrack } from "svelte";
import { SvelteSet } from "svelte/reactivity";

class Unsaved {
  private forms = new SvelteSet<symbol>();
  /** The open question "leave and lose it?", answered by UnsavedDialog. */
  question: ((leave: boolean) => void) | null = $state(null);

  get any(): boolean {
    return this.forms.size > 0;
  }

  mark(form: symbol, unsaved: boolean): void {
    if (unsaved) this.forms.add(form);
    else this.forms.delete(form);
  }

  release(form: symbol): void {
    this.forms.delete(form);
  }

  /**
   * Resolves `true` when nothing is unsaved or the person chose to leave it;
   * `false` when they chose to stay (or a question is already open).
   */
  confirmLeave(): Promise<boolean> {
    if (!this.any) return Promise.resolve(true);
    if (this.question) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.question = (leave) => {
        this.question = null;
        // The forms left behind unmount; none of them is to ask again.
        if (leave) this.forms.clear();
        resolve(leave);
      };
    });
  }
}

export const unsaved = new Unsaved();

/**
 * Marks the calling component's form as unsaved while `value()` differs from
 * what it was when the form opened (or last `saved()`). Call during component
 * set-up; the mark goes when the component does.
 */
export function trackUnsaved(value: () => unknown): { saved: () => void } {
  const form = Symbol("form");
  let baseline = $state(untrack(() => JSON.stringify(value())));
  $effect(() => {
    unsaved.mark(form, JSON.stringify(value()) !== baseline);
  });
  $effect(() => () => unsaved.release(form));
  return {
    // At once, not at the next effect: the owner may navigate right after saving.
    saved: () => {
      baseline = JSON.stringify(untrack(value));
      unsaved.mark(form, false);
    },
  };
}

/**
 * Marks the calling component as holding unsaved work while `isUnsaved()` is
 * true. `check()` updates the mark at once (after saving, before navigating).
 */
export function unsavedWhile(isUnsaved: () => boolean): { check: () => void } {
  const form = Symbol("form");
  $effect(() => {
    unsaved.mark(form, isUnsaved());
  });
  $effect(() => () => unsaved.release(form));
  return { check: () => unsaved.mark(form, untrack(isUnsaved)) };
}
