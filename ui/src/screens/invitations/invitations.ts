import type { InvitationState } from "../../lib/bindings/InvitationState";
import type { MessageKey } from "../../lib/i18n/en";

export const INVITATION_STATES: readonly InvitationState[] = ["draft", "active", "retired"];

export function stateKey(state: InvitationState): MessageKey {
  return `invitations.state.${state}`;
}

/** Addresses typed into one field, split on commas, semicolons, spaces and new lines. */
export function splitRecipients(text: string): string[] {
  return text
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter((a) => a !== "");
}
