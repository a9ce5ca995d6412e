/**
 * JSON with non-finite numbers: NaN and ±Infinity become the strings "NaN", "Infinity" and
 * "-Infinity" on the way out and numbers again on the way in, so evidence keeps what was measured;
 * {@link AnyNumber} is the schema of such a number. Results files, the run store and the history
 * all read and write through these.
 *
 * @module
 */
import { z } from "zod";
import type { Schema } from "./schema.ts";

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

/**
 * Any number including NaN and ±Infinity (zod's `z.number()` rejects them): evidence such as a
 * blown-up activation std must be recorded as measured. Results files encode non-finite numbers
 * as the strings "NaN", "Infinity", "-Infinity" ({@link stringifyResults}).
 */
export const AnyNumber: Schema<number> = z.custom<number>((v) => typeof v === "number", {
  message: "expected a number (NaN and ±Infinity allowed)",
});
