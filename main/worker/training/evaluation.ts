/** What the trained model predicts on the validation images, saved as evaluation.json. */
import { z } from 'zod';

export const Evaluation = z.object({
  labels: z.array(z.string()),
  accuracy: z.number(),
  /** confusion[true][predicted] counts. */
  confusion: z.array(z.array(z.number().int().nonnegative())),
  items: z.array(
    z.object({
      path: z.string(),
      label: z.number().int(),
      predicted: z.number().int(),
      probabilities: z.array(z.number()),
    }),
  ),
});
export type Evaluation = z.infer<typeof Evaluation>;

/** Builds the evaluation from row-major probabilities [items.length, labels.length]. */
export function buildEvaluation(
  labels: string[],
  items: readonly { path: string; label: number }[],
  probabilities: Float32Array,
): Evaluation {
  const classes = labels.length;
  const confusion = labels.map(() => new Array<number>(classes).fill(0));
  let correct = 0;
  const rows = items.map((item, index) => {
    const row = Array.from(probabilities.subarray(index * classes, (index + 1) * classes));
    const predicted = row.indexOf(Math.max(...row));
    confusion[item.label]![predicted]! += 1;
    if (predicted === item.label) correct += 1;
    return { path: item.path, label: item.label, predicted, probabilities: row };
  });
  return { labels, accuracy: items.length ? correct / items.length : 0, confusion, items: rows };
}
