import assert from "node:assert/strict";
import { TrainConfigSchema } from "../src/bench/run_builder.ts";
import { FINGERPRINT_RUNS } from "./fingerprint.ts";

Deno.test("fingerprint runs: valid configs that together use every kernel family", () => {
  const configs = FINGERPRINT_RUNS.map((r) => TrainConfigSchema.parse({ ...r.config, epochs: 1 }));
  const used = (key: keyof (typeof configs)[number]) => new Set(configs.map((c) => c[key]));
  const every = (key: keyof (typeof configs)[number], values: readonly unknown[]) =>
    assert.deepEqual([...used(key)].sort(), [...values].sort(), String(key));
  every("norm", ["none", "batchnorm", "lesson-batchnorm", "layernorm"]);
  every("act", ["relu", "general-relu"]);
  every("init", ["default", "kaiming", "lsuv"]);
  every("learner", ["momentum-learner", "train"]);
  const trained = configs.filter((c) => c.learner === "train").map((c) => c.opt);
  assert.deepEqual(
    new Set(trained),
    new Set(["sgd", "momentum", "rmsprop", "adam", "adamw"]),
    "optimizers",
  );
  assert.ok(configs.some((c) => c.activationStats), "activation statistics");
  assert.ok(configs.some((c) => c.sched !== "none"), "a schedule");
  assert.equal(new Set(FINGERPRINT_RUNS.map((r) => r.name)).size, FINGERPRINT_RUNS.length);
});
