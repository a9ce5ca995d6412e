/**
 * Names for the zod types the public API mentions: the type a schema parses to, the input it
 * accepts, and a schema of a given type. `deno doc --lint` counts every type of an npm package as
 * private and descends into zod's own types, so an exported `z.infer<typeof S>` fails it; these
 * aliases are `@internal`, which the docs show by name without following them into zod. Each is
 * exactly the zod type it names.
 *
 * @module
 */
import type { z } from "zod";

/** @internal The type a schema parses to: zod's `z.infer<S>`. */
export type Infer<S> = z.infer<S>;

/** @internal The type a schema accepts (defaults optional): zod's `z.input<S>`. */
export type Input<S> = z.input<S>;

/** @internal A zod schema whose output is `T`: zod's `z.ZodType<T>`. */
export type Schema<T> = z.ZodType<T>;
