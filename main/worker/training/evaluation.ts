/** What the trained model predicts on the validation images, saved as evaluation.json. */
export { Evaluation, buildEvaluation } from '../evaluation/build-evaluation';
