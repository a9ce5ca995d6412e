/**
 * The WGSL include step: WGSL has no imports, so the pieces several kernels share (the tree
 * reduction, the moments merge, GeneralReLU's math, the conv register block) live once in their own `.wgsl` files and a
 * kernel names them with a comment line `// #include "name.wgsl"` (still valid WGSL, so tools that
 * read the raw file keep working). {@link withIncludes} replaces each such line by the named
 * file's text, itself resolved, each file at most once per module (WGSL forbids declaring a name
 * twice, and module-scope declarations may come in any order). Launchers resolve their kernel's
 * text once, at import.
 *
 * @module
 */
import batchnormWalk from "./batchnorm_walk.wgsl" with { type: "text" };
import conv2dRegisterBlock from "./conv2d_register_block.wgsl" with { type: "text" };
import generalReluFn from "./general_relu_fn.wgsl" with { type: "text" };
import momentsMerge from "./moments_merge.wgsl" with { type: "text" };
import pairSum from "./pair_sum.wgsl" with { type: "text" };
import treeReduce from "./tree_reduce.wgsl" with { type: "text" };

/** The files a kernel may include, by the name it uses. */
export const WGSL_INCLUDES: Readonly<Record<string, string>> = Object.freeze({
  "batchnorm_walk.wgsl": batchnormWalk,
  "conv2d_register_block.wgsl": conv2dRegisterBlock,
  "general_relu_fn.wgsl": generalReluFn,
  "moments_merge.wgsl": momentsMerge,
  "pair_sum.wgsl": pairSum,
  "tree_reduce.wgsl": treeReduce,
});

const DIRECTIVE = /^\/\/ #include "([^"\n]*)"[ \t]*$/gm;

/**
 * `code` with every `// #include "name.wgsl"` line replaced by that file of `library` (resolved
 * the same way; a file already included leaves only a comment). Throws for a name not in
 * `library`, naming it and the names that are.
 */
export function withIncludes(
  code: string,
  library: Readonly<Record<string, string>> = WGSL_INCLUDES,
): string {
  const included = new Set<string>();
  const resolve = (text: string): string =>
    text.replace(DIRECTIVE, (_line, name: string) => {
      const body = library[name];
      if (body === undefined) {
        throw new Error(
          `WGSL include "${name}" is not a known file (known: ${Object.keys(library).join(", ")})`,
        );
      }
      if (included.has(name)) return `// (${name} is included above)`;
      included.add(name);
      return `// ---- included from ${name}\n${resolve(body)}// ---- end of ${name}`;
    });
  return resolve(code);
}
