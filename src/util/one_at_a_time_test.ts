import assert from "node:assert/strict";
import { OneAtATime } from "./one_at_a_time.ts";

Deno.test("OneAtATime: tasks never overlap, run in queue order, and a failure does not stop it", async () => {
  const q = new OneAtATime();
  const log: string[] = [];
  let running = 0;
  const task = (name: string, ms: number, fail = false) => async () => {
    running++;
    assert.equal(running, 1, `${name} overlapped another task`);
    log.push(`start ${name}`);
    await new Promise((r) => setTimeout(r, ms));
    log.push(`end ${name}`);
    running--;
    if (fail) throw new Error(`${name} failed`);
    return name;
  };
  const results = await Promise.allSettled([
    q.run(task("a", 30)),
    q.run(task("b", 5, true)),
    q.run(task("c", 1)),
  ]);
  assert.deepEqual(log, ["start a", "end a", "start b", "end b", "start c", "end c"]);
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
  assert.equal((results[2] as PromiseFulfilledResult<string>).value, "c");
});
