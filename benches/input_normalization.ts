/**
 * Claims 8 and 9: Kaiming init alone is unstable on raw [0, 1] input (8: a share of seeds
 * collapse or diverge, or the raw-input runs trail the normalised ones by 2 points); with the
 * input normalised to mean 0 and std 1 the same model trains to 0.84 (9). Paired by seed.
 *
 * @module
 */
import { z } from "zod";
import type { Claim } from "../mod.ts";
import { evalAt, LESSON_CONFIGS, lessonConfig, points, train } from "./_common.ts";

const Config = z.object({
  kaimingRaw: lessonConfig(LESSON_CONFIGS.kaimingRaw),
  kaimingNorm: lessonConfig(LESSON_CONFIGS.kaimingNorm),
});
type Config = z.infer<typeof Config>;

/** Claims 8 and 9. */
export const claim: Claim<Config> = {
  id: "input-normalization",
  title: "Kaiming init needs normalised input: unstable on raw pixels, trains once normalised",
  source: "nb 11 cells 76 (11-B) and 83 (11-C); video chapters 40:10 and 42:32–46:09 " +
    "(normalizing input matrix, 85% accuracy)",
  quote: "it is actually starting to train that's encouraging and we got up to a 70% accuracy … " +
    "all we had to do was check that our input matrix was 0 1 [0 mean] and main [sic] standard deviation and " +
    "all of our weight matrices was 0 1 standard deviation and we didn't have to use any tricks " +
    "at all it was able to train and got it to an accuracy of 85%",
  claimNumbers: [8, 9],
  lesson: [
    { claim: 8, label: "nb 11 cell 76, raw input", value: 0.1, subject: evalAt("kaimingRaw", 3) },
    {
      claim: 9,
      label: "nb 11 cell 83, normalised input",
      value: 0.853,
      subject: evalAt("kaimingNorm", 3),
    },
  ],
  lessonNotes: [
    "raw-input re-runs 0.770 and 0.833 (video: about 70%)",
    "normalised re-runs 0.849–0.854",
  ],
  config: Config,
  subjects: (c) => ({
    kaimingRaw: train("Kaiming, raw input", c.kaimingRaw),
    kaimingNorm: train("Kaiming, normalised input", c.kaimingNorm),
  }),
  checks: [
    {
      id: "8-unstable",
      claim: 8,
      kind: "any-of",
      of: [
        {
          id: "8-collapse-rate",
          claim: 8,
          kind: "rate",
          subject: { config: "kaimingRaw", metric: "collapsedOrDiverged" },
          direction: ">=",
          p0: 0.1,
        },
        {
          id: "8-gap",
          claim: 8,
          kind: "superiority",
          a: evalAt("kaimingNorm", 3),
          b: evalAt("kaimingRaw", 3),
          margin: points(2),
        },
      ],
    },
    {
      id: "9-threshold",
      claim: 9,
      kind: "threshold",
      subject: evalAt("kaimingNorm", 3),
      direction: ">=",
      threshold: 0.84,
    },
  ],
  // Claim 9's value (claim 8 is chaotic by design); 0.01: the lesson's re-runs of 11-C vary 0.5
  // points on one seed, so a drop over a point means the trainer changed, not the noise.
  headline: {
    label: "epoch-3 eval accuracy, normalised input",
    subject: evalAt("kaimingNorm", 3),
    better: "higher",
    tolerance: 0.01,
  },
};
