/**
 * What the global setup (e2e/global-setup.ts) hands the browser specs about the web shell it
 * started: its address, origin, token and data folder.
 */
export type StudioEnvName = 'STUDIO_URL' | 'STUDIO_ORIGIN' | 'STUDIO_TOKEN' | 'STUDIO_DATA_DIR';

export function studioEnv(name: StudioEnvName): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the e2e through playwright.config.ts (global setup).`);
  return value;
}

/** The web shell's address with its launch token. */
export const studioUrl = (): string => studioEnv('STUDIO_URL');
