/**
 * Kernel parameter blocks declared once (issue 17): a {@link ParamBlock} describes one WGSL
 * uniform struct, field by field in declaration order, and packs named values into exactly the
 * bytes that struct reads. `param_block_test.ts` parses each struct out of its `.wgsl` file and
 * holds it to the descriptor (names, types, order, offsets), so a field added on one side only
 * fails a test instead of shifting every later field on the GPU.
 *
 * Layout follows the WGSL spec (memory layout, "Alignment and Size"): every field type here is a
 * 4-byte scalar (AlignOf = SizeOf = 4), a field sits at the first multiple of its alignment past
 * the previous one, and the struct's size is the end of its last field rounded up to the struct's
 * alignment (the largest field alignment). The uniform address space adds a 16-byte rule only
 * for structs and arrays nested inside a uniform value; no parameter block nests one, so a block
 * of n scalars is n consecutive 32-bit words (what the launchers always wrote).
 *
 * @module
 */

/** The WGSL field types parameter blocks use: 32-bit scalars. */
export type ParamType = "u32" | "i32" | "f32";

/** One field: its WGSL name and type. */
export type ParamField = readonly [name: string, type: ParamType];

/** AlignOf and SizeOf of each field type, in bytes (WGSL spec, "Alignment and Size"). */
export const PARAM_TYPE_LAYOUT: Readonly<Record<ParamType, { align: number; size: number }>> =
  Object.freeze({
    u32: { align: 4, size: 4 },
    i32: { align: 4, size: 4 },
    f32: { align: 4, size: 4 },
  });

/** A WGSL uniform struct: its fields, their byte offsets, and a packer for its bytes. */
export interface ParamBlock<Name extends string = string> {
  /** The struct's WGSL name (e.g. `Params`). */
  readonly structName: string;
  /** The fields in declaration order. */
  readonly fields: readonly (readonly [Name, ParamType])[];
  /** Byte offset of each field. */
  readonly offsets: Readonly<Record<Name, number>>;
  /** The struct's size in bytes (a multiple of its alignment). */
  readonly size: number;
  /** The struct's alignment in bytes. */
  readonly align: number;
  /**
   * The struct's bytes as 32-bit words: each value written in its field's type (f32 through a
   * Float32Array view of the same buffer, i32 through an Int32Array view), padding zero. Throws
   * a RangeError naming the struct and field for a missing or unknown field, a non-number, or a
   * u32 / i32 value that is not an integer in the type's range.
   */
  pack(values: Readonly<Record<Name, number>>): Uint32Array;
  /** The struct's WGSL declaration (`struct Params {\n  N: u32,\n ...}`). */
  wgsl(): string;
}

const RANGES: Readonly<Record<"u32" | "i32", readonly [number, number]>> = {
  u32: [0, 2 ** 32 - 1],
  i32: [-(2 ** 31), 2 ** 31 - 1],
};

function roundUp(v: number, m: number): number {
  return Math.ceil(v / m) * m;
}

/**
 * Declares the uniform struct `structName` with `fields` in order, e.g.
 * `paramBlock("Params", [["N", "u32"], ["eps", "f32"]])`; field names must be distinct.
 */
export function paramBlock<const F extends readonly ParamField[]>(
  structName: string,
  fields: F,
): ParamBlock<F[number][0]> {
  type Name = F[number][0];
  const offsets: Record<string, number> = {};
  let end = 0;
  let align = 1;
  for (const [name, type] of fields) {
    const layout = PARAM_TYPE_LAYOUT[type];
    if (layout === undefined) throw new TypeError(`${structName}.${name}: unknown type ${type}`);
    if (name in offsets) throw new TypeError(`${structName}: field ${name} declared twice`);
    offsets[name] = roundUp(end, layout.align);
    end = offsets[name] + layout.size;
    align = Math.max(align, layout.align);
  }
  const size = roundUp(end, align);
  const frozen = Object.freeze(fields.map(([n, t]) => Object.freeze([n, t] as const)));
  return Object.freeze({
    structName,
    fields: frozen as readonly (readonly [Name, ParamType])[],
    offsets: Object.freeze(offsets) as Readonly<Record<Name, number>>,
    size,
    align,
    pack: (values: Readonly<Record<Name, number>>) =>
      pack(structName, fields, offsets, size, values),
    wgsl: () => `struct ${structName} {\n${fields.map(([n, t]) => `  ${n}: ${t},\n`).join("")}}`,
  });
}

function pack(
  structName: string,
  fields: readonly ParamField[],
  offsets: Readonly<Record<string, number>>,
  size: number,
  values: Readonly<Record<string, number>>,
): Uint32Array {
  const fail = (what: string) => {
    throw new RangeError(`${structName}: ${what}`);
  };
  const unknown = Object.keys(values).filter((k) => !Object.hasOwn(offsets, k));
  if (unknown.length > 0) {
    fail(`unknown field(s) ${unknown.join(", ")}; fields are ${Object.keys(offsets).join(", ")}`);
  }
  const missing = fields.map(([n]) => n).filter((n) => !Object.hasOwn(values, n));
  if (missing.length > 0) fail(`missing field(s) ${missing.join(", ")}`);
  const u = new Uint32Array(size / 4);
  const i = new Int32Array(u.buffer);
  const f = new Float32Array(u.buffer);
  for (const [name, type] of fields) {
    const v = values[name];
    if (typeof v !== "number") fail(`${name} = ${String(v)}, expected a number (${type})`);
    const word = offsets[name] / 4;
    if (type === "f32") {
      f[word] = v;
      continue;
    }
    const [lo, hi] = RANGES[type];
    if (!Number.isInteger(v) || v < lo || v > hi) {
      fail(`${name} = ${v}, expected an integer in [${lo}, ${hi}] (${type})`);
    }
    if (type === "u32") u[word] = v;
    else i[word] = v;
  }
  return u;
}
