/** Command-line options of `npm run serve` / `node dist/main/server.cjs`. */
export interface ServeOptions {
  port: number;
  /** Open the address in the default browser once listening. */
  open: boolean;
  help: boolean;
}

export const serveUsage = `Usage: node dist/main/server.cjs [--port <n>]

Starts the Transfer Studio web shell on 127.0.0.1 and prints the address to open
(it carries a per-launch access token).

  --port <n>   port to listen on (default: env PORT, else a free port)
  --open       open the address in the default browser
  --help       show this help

Environment:
  TRANSFER_STUDIO_DATA     data folder (runs, cache); default ~/.transfer-studio
  TRANSFER_STUDIO_MODELS   folders holding base models (path-list separated)
`;

function parsePort(value: string | undefined, source: string): number {
  const port = Number(value);
  if (
    value === undefined ||
    value.trim() === '' ||
    !Number.isInteger(port) ||
    port < 0 ||
    port > 65535
  ) {
    throw new Error(`${source} must be a port number between 0 and 65535, got "${value ?? ''}".`);
  }
  return port;
}

/** Parses argv (without node and script); throws an Error with a usable message on bad input. */
export function parseServeOptions(argv: string[], env: NodeJS.ProcessEnv): ServeOptions {
  let port = env.PORT ? parsePort(env.PORT, 'PORT') : 0;
  let help = false;
  let open = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--open') open = true;
    else if (arg === '--port') {
      port = parsePort(argv[i + 1], '--port');
      i += 1;
    } else if (arg?.startsWith('--port=')) port = parsePort(arg.slice('--port='.length), '--port');
    else throw new Error(`Unknown option "${arg}". Run with --help to see the options.`);
  }
  return { port, open, help };
}
