/**
 * JSON with non-finite numbers: NaN and ±Infinity become the strings "NaN", "Infinity" and
 * "-Infinity" on the way out and numbers again on the way in, so evidence keeps what was measured.
 *
 * @module
 */

const NON_FINITE: Record<string, number> = {
  NaN: NaN,
  Infinity: Infinity,
  "-Infinity": -Infinity,
};

/** `JSON.stringify` that keeps NaN and ±Infinity (as strings). */
export function stringifyResults(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v),
    indent,
  );
}

/** `JSON.parse` that restores NaN and ±Infinity from their strings. */
export function parseResults(text: string): unknown {
  return JSON.parse(
    text,
    (_key, v) => (typeof v === "string" && v in NON_FINITE ? NON_FINITE[v] : v),
  );
}
