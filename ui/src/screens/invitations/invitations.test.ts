import { describe, expect, it } from "vitest";
import { splitRecipients, stateKey } from "./invitations";

describe("invitations", () => {
  it("splits recipients typed in one field", () => {
    expect(splitRecipients(" jan@zolc.pl, ewa@firma.pl;\nadam@x.pl  ")).toEqual(["jan@zolc.pl", "ewa@firma.pl", "adam@x.pl"]);
    expect(splitRecipients(" , ")).toEqual([]);
  });

  it("names each state's text", () => {
    expect(stateKey("retired")).toBe("invitations.state.retired");
  });
});
