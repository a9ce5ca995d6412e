/**
 * Every claim module, imported statically so the browser bundle carries them (Deno discovers
 * them from the `benches/` directory instead; a test keeps the two lists equal).
 *
 * @module
 */

import type { Claim } from "../bench/contract.ts";
import { claim as batchnorm } from "../../benches/batchnorm.ts";
import { claim as defaultInit } from "../../benches/default_init.ts";
import { claim as depthSurvival } from "../../benches/depth_survival.ts";
import { claim as generalRelu } from "../../benches/general_relu.ts";
import { claim as inputNormalization } from "../../benches/input_normalization.ts";
import { claim as layernorm } from "../../benches/layernorm.ts";
import { claim as lrFinder } from "../../benches/lr_finder.ts";
import { claim as lsuv } from "../../benches/lsuv.ts";
import { claim as moments } from "../../benches/moments.ts";
import { claim as optimizers } from "../../benches/optimizers.ts";
import { claim as schedules } from "../../benches/schedules.ts";
import { claim as towards90 } from "../../benches/towards_90.ts";

/** The claims by id. */
export const CLAIMS: ReadonlyMap<string, Claim> = new Map(
  ([
    batchnorm,
    defaultInit,
    depthSurvival,
    generalRelu,
    inputNormalization,
    layernorm,
    lrFinder,
    lsuv,
    moments,
    optimizers,
    schedules,
    towards90,
  ] as Claim[]).map((c) => [c.id, c]),
);

/** Claims that need no dataset (they run in full in any browser with WebGPU). */
export const DATA_FREE = new Set(["depth-survival", "moments"]);
