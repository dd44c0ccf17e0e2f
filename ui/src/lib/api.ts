// The typed client over Tauri's invoke: one function per command, typed by the
// bindings generated from the Rust types (ui/src/lib/bindings, never edited by hand).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ApiError } from "./bindings/ApiError";
import type { AppInfo } from "./bindings/AppInfo";
import type { AppSettings } from "./bindings/AppSettings";
import type { Change } from "./bindings/Change";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { SettingsUpdate } from "./bindings/SettingsUpdate";

const CHANGE_EVENT = "changed";

const ERROR_CODES: readonly ErrorCode[] = [
  "validation",
  "not_found",
  "conflict",
  "forbidden",
  "invalid_state",
  "storage",
  "internal",
];

/** A failed command, as the core described it. Screens switch on `code`, never on `message`. */
export class CommandError extends Error implements ApiError {
  readonly code: ErrorCode;
  readonly field?: string;

  constructor(error: ApiError) {
    super(error.message);
    this.name = "CommandError";
    this.code = error.code;
    if (error.field !== undefined) this.field = error.field;
  }
}

/** Anything invoke rejects with becomes a CommandError; an untyped failure is `internal`. */
export function toCommandError(raw: unknown): CommandError {
  if (raw instanceof CommandError) return raw;
  if (typeof raw === "object" && raw !== null && "code" in raw && "message" in raw) {
    const { code, message, field } = raw as Record<string, unknown>;
    if (ERROR_CODES.includes(code as ErrorCode) && typeof message === "string") {
      return new CommandError({
        code: code as ErrorCode,
        message,
        ...(typeof field === "string" ? { field } : {}),
      });
    }
  }
  const message = raw instanceof Error ? raw.message : String(raw);
  return new CommandError({ code: "internal", message });
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toCommandError(raw);
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  getSettings: () => call<AppSettings>("get_settings"),
  updateSettings: (update: SettingsUpdate) => call<AppSettings>("update_settings", { update }),
};

/** Calls `handler` after every successful write anywhere in the app. */
export function onChange(handler: (change: Change) => void): Promise<UnlistenFn> {
  return listen<Change>(CHANGE_EVENT, (event) => handler(event.payload));
}
