/**
 * The Vulkan driver's version, which the WebGPU adapter string does not show (lavapipe reports
 * "llvmpipe (LLVM 15.0.6, 256 bits)" on Mesa 22.3 and on Mesa 25.0 alike). Results record it in
 * their provenance and the run store keys runs by it: two Mesa releases may round differently.
 *
 * @module
 */

/** The installed driver package and version, e.g. `mesa-vulkan-drivers 25.0.7-2~bpo12+1`. */
export interface DriverRecord {
  package: string;
  version: string;
}

let cached: Promise<DriverRecord | null> | null = null;

/**
 * The Mesa Vulkan driver package on Debian-like systems (`dpkg-query`), or null where that cannot
 * be read (other systems, a browser): "unknown" is recorded then, never guessed.
 */
export function vulkanDriver(): Promise<DriverRecord | null> {
  return cached ??= queryDpkg("mesa-vulkan-drivers");
}

async function queryDpkg(pkg: string): Promise<DriverRecord | null> {
  try {
    const out = await new Deno.Command("dpkg-query", {
      args: ["-W", "-f", "${Status}\t${Version}", pkg],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return null;
    const [status, version] = new TextDecoder().decode(out.stdout).split("\t");
    return status?.endsWith("installed") && version ? { package: pkg, version } : null;
  } catch {
    return null;
  }
}
