/// <reference lib="dom" />
/**
 * `linkedom` for the browser build: the page's own DOM renders the Plot charts (Deno has no DOM,
 * so there linkedom provides one). Only `parseHTML(...).document` is used.
 *
 * @module
 */

/** The browser's document, in linkedom's shape. */
export function parseHTML(_html: string): { document: Document } {
  return { document };
}
