// Imported first by main.tsx: must run before any schema is built, since zod probes
// `new Function` while constructing object schemas, which the page's CSP (no eval) reports
// as a violation. Without JIT zod validates the same way, only without generated code.
import { config } from 'zod';

config({ jitless: true });
