// Runs one benchmark child process: collects the JSON lines it prints (each a result, so a
// child stopped at its time limit keeps what it finished), keeps the tail of its stderr for
// the report, and, when asked, follows the peak resident memory (VmHWM) of it and of every
// process it starts (the training worker of the CLI) by polling /proc.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Direct children of `pid` (Linux /proc; empty elsewhere). */
function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function descendantsOf(pid) {
  const found = [];
  const stack = [pid];
  while (stack.length) {
    const next = stack.pop();
    found.push(next);
    stack.push(...childrenOf(next));
  }
  return found;
}

/** Peak RSS so far (VmHWM) in MiB and the command line of a process, or undefined. */
function peakOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    if (!match) return undefined;
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { peakRssMiB: Math.round(Number(match[1]) / 1024), command };
  } catch {
    return undefined;
  }
}

/**
 * Runs `command args` and resolves (never rejects) with the parsed JSON lines of its stdout,
 * its exit code, whether it hit `timeoutMs`, its stderr's last lines, its wall time, and
 * (with trackMemory) the peak RSS of each process of its tree.
 */
export function runChild(command, args, options = {}) {
  const { timeoutMs = 600_000, env = process.env, cwd, trackMemory = false, onRecord } = options;
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const records = [];
    const otherLines = [];
    let stderr = '';
    let buffered = '';
    const memory = new Map();
    const sample = () => {
      for (const pid of descendantsOf(child.pid)) {
        const peak = peakOf(pid);
        if (peak && (memory.get(pid)?.peakRssMiB ?? -1) <= peak.peakRssMiB) memory.set(pid, peak);
      }
    };
    const poller = trackMemory ? setInterval(sample, 100) : undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        try {
          const record = JSON.parse(line);
          records.push(record);
          onRecord?.(record);
        } catch {
          otherLines.push(line);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    let finished = false;
    const finish = (code, error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (poller) clearInterval(poller);
      resolve({
        records,
        otherLines,
        code,
        timedOut,
        error,
        stderrTail: stderr
          .split('\n')
          .filter((line) => line.trim() && !/^(I0000|W0000|WARNING: All log)/.test(line))
          .slice(-5)
          .join('\n'),
        seconds: (performance.now() - started) / 1000,
        processes: [...memory.values()],
      });
    };
    child.on('error', (error) => finish(null, error.message));
    child.on('close', (code) => finish(code));
  });
}
