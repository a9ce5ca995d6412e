/**
 * The claim modules `deno task bench` knows: every `benches/<id>.ts` file. The claim contract
 * (zod schema, runner, verdicts) arrives with the claims suite; until then a module is only
 * discovered and listed.
 *
 * @module
 */

/** A claim module file found in the benches directory. */
export interface ClaimFile {
  id: string;
  path: string;
}

/** The claim files in `dir`, sorted by id; `_`-prefixed and `*_test.ts` files are helpers. */
export async function listClaimFiles(dir: URL): Promise<ClaimFile[]> {
  const files: ClaimFile[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
      if (entry.name.startsWith("_") || entry.name.endsWith("_test.ts")) continue;
      const id = entry.name.slice(0, -3).replaceAll("_", "-");
      files.push({ id, path: new URL(entry.name, dir).pathname });
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return files.sort((a, b) => a.id.localeCompare(b.id));
}
