// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { focusOnMount } from "./focus";

const settle = () => new Promise((resolve) => queueMicrotask(() => resolve(undefined)));

function input(id: string): HTMLInputElement {
  const element = document.createElement("input");
  element.id = id;
  document.body.append(element);
  return element;
}

afterEach(() => {
  document.body.replaceChildren();
});

describe("focusOnMount", () => {
  it("focuses the field when nothing has focus", async () => {
    const email = input("email");
    focusOnMount(email);
    await settle();
    expect(document.activeElement).toBe(email);
  });

  it("leaves focus where the person already put it", async () => {
    const email = input("email");
    const password = input("password");
    password.focus();
    focusOnMount(email);
    await settle();
    expect(document.activeElement).toBe(password);
  });

  it("takes focus over when asked, as the lock does over the inert shell", async () => {
    const shellField = input("customer-name");
    const lockPassword = input("lock-password");
    shellField.focus();
    focusOnMount(lockPassword, true);
    await settle();
    expect(document.activeElement).toBe(lockPassword);
  });
});
