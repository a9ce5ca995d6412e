/**
 * Whether the real Fashion-MNIST is on this machine, without downloading it: tests that train on
 * it are ignored where it is missing.
 *
 * @module
 */
import { locateFashionMnist } from "../src/data/locate.ts";

/** True when the dataset is found locally (no download). */
export async function hasDataset(): Promise<boolean> {
  try {
    await locateFashionMnist({ download: false });
    return true;
  } catch {
    return false;
  }
}
