/** Data the server writes in front of the page's helpers (adapters/web/page-helpers.ts). */
declare const TICKET_WORDS: {
  zh: { categories: Record<string, string>; statuses: Record<string, string> };
  en: { categories: Record<string, string>; statuses: Record<string, string> };
};
