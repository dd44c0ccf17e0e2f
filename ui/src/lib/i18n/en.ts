// English UI text. Every key here must exist in pl.ts (the type checker and a test enforce it).
// Placeholders are written {name} and must match between languages.
export const en = {
  "app.name": "Partnerdesk",
  "app.skipToContent": "Skip to content",
  "app.loading": "Loading…",

  "nav.label": "Main navigation",
  "nav.dashboard": "Dashboard",
  "nav.settings": "Settings",
  "nav.shortcut": "Alt+{key}",

  "header.context": "Working on",
  "header.context.myCompany": "My company",

  "startup.title": "Partnerdesk cannot open its database",
  "startup.help": "Nothing was changed. The details below say why and what to do.",
  "startup.retry": "Try again",

  "error.title.validation": "Please check the highlighted field",
  "error.title.not_found": "Not found",
  "error.title.conflict": "Conflict",
  "error.title.forbidden": "Not allowed",
  "error.title.invalid_state": "Not possible right now",
  "error.title.storage": "The database could not be used",
  "error.title.internal": "Something went wrong",
  "error.dismiss": "Dismiss",

  "dashboard.title": "Dashboard",
  "dashboard.welcome": "Welcome to Partnerdesk",
  "dashboard.intro":
    "Your admin center for Microsoft 365 customers works offline against a database on this computer.",
  "dashboard.installation": "This installation",

  "settings.title": "Settings",
  "settings.appearance": "Language and appearance",
  "settings.language": "Language",
  "settings.language.hint": "“System” follows the language of your operating system.",
  "settings.language.system": "System ({language})",
  "settings.theme": "Theme",
  "settings.theme.system": "System",
  "settings.theme.light": "Light",
  "settings.theme.dark": "Dark",
  "settings.saved": "Saved.",
  "settings.about": "About",

  "about.version": "Version",
  "about.database": "Database file",
  "about.schema": "Schema version",
  "about.backup": "Backup made before the last upgrade",

  "language.pl": "Polski",
  "language.en": "English",
} as const;

export type MessageKey = keyof typeof en;
