import { describe, expect, it } from "vitest";
import { clockTime, groupFingerprint, teamLabel, type Sync, type TeamStatus } from "./team";

function connected(sync: Sync): TeamStatus {
  return {
    connected: true,
    server_url: "http://127.0.0.1:8750",
    host: "127.0.0.1:8750",
    sync,
    server_version: "0.1.0",
    server_schema_version: 21,
    desktop_schema_version: 21,
    workspace: true,
    position: 4,
    last_applied_at: null,
    replica_path: "/data/team-127.0.0.1-8750",
  };
}

describe("teamLabel", () => {
  it("says nothing for a standalone desktop", () => {
    expect(teamLabel("en", { ...connected({ state: "live" }), connected: false, host: null })).toBeNull();
  });

  it("names the server in the tooltip and the state on screen", () => {
    const live = teamLabel("en", connected({ state: "live" }));
    expect(live).toEqual({
      short: "live",
      long: "Team server 127.0.0.1:8750: connected, changes arrive as they happen",
      tone: "ok",
    });
    expect(teamLabel("pl", connected({ state: "live" }))?.short).toBe("połączony");
  });

  it("says since when it is reconnecting, in local time", () => {
    const since = "2026-12-04T03:05:00Z";
    const label = teamLabel("en", connected({ state: "reconnecting", since }));
    const time = clockTime("en", since);
    expect(time).toMatch(/^\d{2}:\d{2}/);
    expect(label?.short).toBe(`reconnecting since ${time}`);
    expect(label?.long).toContain(time);
    expect(label?.tone).toBe("problem");
  });

  it("gives the version rule's own sentence in the person's language", () => {
    const sync: Sync = {
      state: "needs_update",
      text: { en: "Update Partnerdesk to work with this team server.", pl: "Zaktualizuj Partnerdesk." },
    };
    expect(teamLabel("en", connected(sync))?.long).toBe(
      "127.0.0.1:8750: Update Partnerdesk to work with this team server.",
    );
    expect(teamLabel("pl", connected(sync))?.short).toBe("wymaga aktualizacji");
  });
});

describe("groupFingerprint", () => {
  it("shows the hex in upper-case pairs whatever way it was written", () => {
    expect(groupFingerprint("ab:cd:ef:01")).toBe("AB:CD:EF:01");
    expect(groupFingerprint("abcdef01")).toBe("AB:CD:EF:01");
  });
});

describe("clockTime", () => {
  it("leaves a time it cannot read as it is", () => {
    expect(clockTime("en", "soon")).toBe("soon");
  });
});
