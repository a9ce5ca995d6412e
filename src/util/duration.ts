/**
 * Durations for people: the progress bars' ETAs and the bench summary's time per claim.
 *
 * @module
 */

/** "42 s", "3.5 min", "1.2 h"; "?" for a duration not known. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
