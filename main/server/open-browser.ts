import { spawn } from 'node:child_process';

/** Best effort: opens the address in the desktop's browser; the printed URL is the fallback. */
export function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {
      process.stdout.write(
        'Could not open a browser automatically; open the address above by hand.\n',
      );
    });
    child.unref();
  } catch {
    // The address is printed already; nothing else to do.
  }
}
