/**
 * Stages the kit for measuring `deno task perf` on a lent device machine (an NVIDIA GPU with no
 * Deno, no npm registry and no dataset): `deno run -A tools/device/stage.ts` writes the git-ignored
 * folder `.device/` that the device tool carries (`carry: [".device"]`), then
 * `bash tools/device/run_perf.sh` runs there. The kit holds:
 * - `perf.js`: `src/cli/perf.ts` bundled with esbuild (zod and the WGSL inlined), so no npm cache
 *   has to travel;
 * - `deno.xz`: this machine's Deno binary, xz-compressed (~30 MB of the 64 MiB a call carries);
 * - `data/*.xz`: the four Fashion-MNIST IDX files, raw and xz-compressed (smaller than the .gz);
 * - `gl/*.deb`: the Vulkan loader (libvulkan1), fetched with apt-get for amd64, unpacked there
 *   only when the machine has no loader of its own.
 *
 * @module
 */
import * as esbuild from "esbuild";
import { locateFashionMnist } from "../../src/data/locate.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const KIT = `${ROOT}.device`;
/** The most one device call carries (working tree included). */
const CARRY_LIMIT = 64 * 1024 * 1024;

async function sh(cmd: string[], options: { stdout?: string; cwd?: string } = {}): Promise<void> {
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd: options.cwd,
    stdout: options.stdout ? "piped" : "inherit",
    stderr: "inherit",
  }).spawn();
  if (options.stdout) {
    const file = await Deno.open(options.stdout, { write: true, create: true, truncate: true });
    await child.stdout.pipeTo(file.writable);
  }
  const { code } = await child.status;
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited with ${code}`);
}

async function bytesUnder(dir: string): Promise<number> {
  let n = 0;
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    n += e.isDirectory ? await bytesUnder(p) : (await Deno.stat(p)).size;
  }
  return n;
}

async function main(): Promise<void> {
  await Deno.remove(KIT, { recursive: true }).catch(() => {});
  await Deno.mkdir(`${KIT}/data`, { recursive: true });
  await Deno.mkdir(`${KIT}/gl`, { recursive: true });

  console.log("bundling src/cli/perf.ts → .device/perf.js");
  try {
    await esbuild.build({
      entryPoints: [`${ROOT}src/cli/perf.ts`],
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      outfile: `${KIT}/perf.js`,
      loader: { ".wgsl": "text" },
      external: ["node:*"],
      mainFields: ["module", "main"],
      logLevel: "warning",
      absWorkingDir: ROOT,
    });
  } finally {
    await esbuild.stop();
  }

  console.log(`compressing ${Deno.execPath()} → .device/deno.xz`);
  await sh(["xz", "-T2", "-9", "-c", Deno.execPath()], { stdout: `${KIT}/deno.xz` });

  const data = await locateFashionMnist({ download: false });
  for (const path of Object.values(data.files)) {
    const name = path.split("/").pop()!.replace(/\.gz$/, "");
    console.log(`compressing ${path} → .device/data/${name}.xz (raw IDX)`);
    const raw = path.endsWith(".gz") ? ["sh", "-c", `gunzip -c '${path}' | xz -T2 -9`] : [
      "xz",
      "-T2",
      "-9",
      "-c",
      path,
    ];
    await sh(raw, { stdout: `${KIT}/data/${name}.xz` });
  }

  console.log("fetching the Vulkan loader (amd64) → .device/gl/");
  const lists = await Deno.makeTempDir({ prefix: "claimbench-apt-" });
  await Deno.mkdir(`${lists}/partial`);
  const apt = [
    "-oAPT::Architecture=amd64",
    "-oAPT::Architectures=amd64",
    `-oDir::State::Lists=${lists}`,
  ];
  await sh(["apt-get", ...apt, "-qq", "update"]);
  await sh(["apt-get", ...apt, "-qq", "download", "libvulkan1"], { cwd: `${KIT}/gl` });

  const kit = await bytesUnder(KIT);
  const tree = new TextDecoder().decode(
    (await new Deno.Command("git", { args: ["ls-files", "-z"], cwd: ROOT }).output()).stdout,
  ).split("\0").filter(Boolean);
  let treeBytes = 0;
  for (const f of tree) {
    treeBytes += (await Deno.stat(`${ROOT}${f}`).catch(() => ({ size: 0 }))).size;
  }
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  console.log(
    `kit ${mib(kit)} + working tree ${mib(treeBytes)} = ${mib(kit + treeBytes)} of ${
      mib(CARRY_LIMIT)
    }`,
  );
  if (kit + treeBytes > CARRY_LIMIT) {
    throw new Error("the kit and the working tree exceed what one device call carries");
  }
}

if (import.meta.main) await main();
