import type { MessageKey } from "./en";

// Polish UI text: the same keys and placeholders as en.ts.
export const pl: Record<MessageKey, string> = {
  "app.name": "Partnerdesk",
  "app.skipToContent": "Przejdź do treści",
  "app.loading": "Wczytywanie…",

  "nav.label": "Nawigacja główna",
  "nav.dashboard": "Pulpit",
  "nav.settings": "Ustawienia",
  "nav.shortcut": "Alt+{key}",

  "header.context": "Kontekst",
  "header.context.myCompany": "Moja firma",

  "startup.title": "Partnerdesk nie może otworzyć bazy danych",
  "startup.help": "Niczego nie zmieniono. Poniżej opisano przyczynę i co zrobić.",
  "startup.retry": "Spróbuj ponownie",

  "error.title.validation": "Sprawdź wyróżnione pole",
  "error.title.not_found": "Nie znaleziono",
  "error.title.conflict": "Konflikt",
  "error.title.forbidden": "Brak uprawnień",
  "error.title.invalid_state": "Teraz nie jest to możliwe",
  "error.title.storage": "Nie można użyć bazy danych",
  "error.title.internal": "Coś poszło nie tak",
  "error.dismiss": "Zamknij",

  "dashboard.title": "Pulpit",
  "dashboard.welcome": "Witamy w Partnerdesk",
  "dashboard.intro":
    "Twoje centrum administracyjne klientów Microsoft 365 działa offline, na bazie danych na tym komputerze.",
  "dashboard.installation": "Ta instalacja",

  "settings.title": "Ustawienia",
  "settings.appearance": "Język i wygląd",
  "settings.language": "Język",
  "settings.language.hint": "„Systemowy” oznacza język systemu operacyjnego.",
  "settings.language.system": "Systemowy ({language})",
  "settings.theme": "Motyw",
  "settings.theme.system": "Systemowy",
  "settings.theme.light": "Jasny",
  "settings.theme.dark": "Ciemny",
  "settings.saved": "Zapisano.",
  "settings.about": "Informacje",

  "about.version": "Wersja",
  "about.database": "Plik bazy danych",
  "about.schema": "Wersja schematu",
  "about.backup": "Kopia zapasowa sprzed ostatniej aktualizacji",

  "language.pl": "Polski",
  "language.en": "English",
};
