/**
 * What the GPU doctor tells a person whose native backend did not load: what they can do with
 * the installed app. The developer commands that build the backends (scripts/build-native-tf,
 * npm rebuild) are in the README's Troubleshooting section, which these point to.
 */
const README = 'the README’s Troubleshooting section, “No native backend”';

/** Native TensorFlow (CPU) is not part of this installation. */
export const NATIVE_CPU_ADVICE =
  'Nothing to do to keep training: the studio uses the next engine in the list, with the same ' +
  'results, only slower. For faster training, install a Transfer Studio build that includes ' +
  `native TensorFlow, or ask whoever set the studio up to add it (see ${README}).`;

/** The GPU build needs a card, its drivers and a build with GPU support. */
export const NATIVE_GPU_ADVICE =
  'Needs an NVIDIA graphics card with its CUDA drivers and a Transfer Studio build with GPU ' +
  'support. Without them training runs on the processor, with the same results. To add GPU ' +
  `support, see ${README}.`;

/** A native build is there but does not load (moved or damaged). */
export const NATIVE_BROKEN_ADVICE =
  'The native TensorFlow of this installation is damaged or was moved. Training still works on ' +
  'the next engine in the list; reinstall the studio (or have it rebuilt, see ' +
  `${README}) to get the faster engine back.`;
