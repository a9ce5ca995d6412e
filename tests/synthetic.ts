/** Small synthetic datasets for tests that need a learnable task without the real data. */
import type { ImageSplit } from "../src/data/fashion_mnist.ts";
import { Rng } from "../src/util/rng.ts";

/** A learnable synthetic task: 28×28 u8 images whose label is the brightest of 10 regions. */
export function syntheticSplit(name: "train" | "valid", count: number, seed: number): ImageSplit {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = rng.int(10);
    labels[n] = label;
    for (let i = 0; i < 784; i++) {
      const region = Math.floor(i / 79);
      images[n * 784 + i] = Math.min(255, rng.int(80) + (region === label ? 150 : 0));
    }
  }
  return { name, count, height: 28, width: 28, images, labels };
}
