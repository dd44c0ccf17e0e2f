// Team mode in the UI (docs/decisions/0054-connected-desktop.md): the shell's
// `TeamStatus` (src-tauri/src/team/mod.rs; the shell's types are not exported
// by ts-rs, so this mirrors it — keep the two in step) and what the header
// says about it.
import type { Text } from "./bindings/Text";
import type { Locale } from "./i18n/translate";
import { translate } from "./i18n/translate";

export type Sync =
  | { state: "connecting" }
  | { state: "signed_out" }
  | { state: "live" }
  | { state: "reconnecting"; since: string }
  | { state: "needs_update"; text: Text };

export type TeamStatus = {
  connected: boolean;
  server_url: string | null;
  host: string | null;
  sync: Sync;
  server_version: string | null;
  server_schema_version: number | null;
  desktop_schema_version: number;
  workspace: boolean | null;
  position: number;
  last_applied_at: string | null;
  replica_path: string | null;
};

export type ServerProbe = {
  server_url: string;
  server_version: string;
  server_schema_version: number;
  desktop_schema_version: number;
  workspace: boolean;
  fingerprint: string | null;
  refusal: Text | null;
  compatibility: Text | null;
};

export type Tone = "ok" | "waiting" | "problem";

/** The header's words for the connection: short on screen, whole in the tooltip. */
export type TeamLabel = { short: string; long: string; tone: Tone };

/** "14:05" in the person's locale, from an RFC 3339 time. */
export function clockTime(locale: Locale, rfc3339: string): string {
  const at = new Date(rfc3339);
  if (Number.isNaN(at.getTime())) return rfc3339;
  return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }).format(at);
}

export function teamLabel(locale: Locale, status: TeamStatus): TeamLabel | null {
  if (!status.connected || !status.host) return null;
  const host = status.host;
  const sync = status.sync;
  switch (sync.state) {
    case "live":
      return {
        short: translate(locale, "team.state.live"),
        long: translate(locale, "team.tooltip.live", { host }),
        tone: "ok",
      };
    case "reconnecting": {
      const time = clockTime(locale, sync.since);
      return {
        short: translate(locale, "team.state.reconnecting", { time }),
        long: translate(locale, "team.tooltip.reconnecting", { host, time }),
        tone: "problem",
      };
    }
    case "needs_update":
      return {
        short: translate(locale, "team.state.needsUpdate"),
        long: `${host}: ${sync.text[locale]}`,
        tone: "problem",
      };
    case "signed_out":
      return {
        short: translate(locale, "team.state.signedOut"),
        long: translate(locale, "team.tooltip.signedOut", { host }),
        tone: "waiting",
      };
    case "connecting":
      return {
        short: translate(locale, "team.state.connecting"),
        long: translate(locale, "team.tooltip.connecting", { host }),
        tone: "waiting",
      };
  }
}

/** Groups a SHA-256 fingerprint's hex in pairs, as the admin was shown it. */
export function groupFingerprint(fingerprint: string): string {
  const hex = fingerprint.replace(/[^0-9a-f]/gi, "").toUpperCase();
  return (hex.match(/.{1,2}/g) ?? []).join(":");
}
