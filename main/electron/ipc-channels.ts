/**
 * Names of the few Electron IPC channels. Every request of the contract travels on the one
 * `studio:request` channel (the contract's channel name is an argument), so main has a single
 * place that checks the sender and validates the payload.
 */
export const IpcChannel = {
  /** invoke(channel, payload) -> DispatchResult */
  request: 'studio:request',
  /** main -> renderer: (eventName, payload) */
  event: 'studio:event',
  /** invoke({ title, multiple }) -> DispatchResult with string[] | null */
  pickFolders: 'shell:pick-folders',
  /** main -> renderer: a MessagePort carrying one training run's live metrics */
  trainingPort: 'training-port',
} as const;
