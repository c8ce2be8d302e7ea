import { licenseShortName } from '../../../shared/catalog';
import type { CatalogItem } from '../../../shared/domain';
import { createCliContext, formatTable, printJson } from '../cli-context';
import { CliUsageError, parseCommandArgs, request } from '../parse-args';

/**
 * `models [--json]`: the catalog and where each model is on this machine (a models folder or the
 * download cache). `models download <id>`: fetches one into the cache, with progress.
 */
export async function runModelsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean', default: false },
  });
  if (positionals[0] === 'download') return download(positionals.slice(1), values.json);
  if (positionals.length > 0) {
    throw new CliUsageError(
      `Unknown models subcommand "${positionals[0]}" (try "models download <id>").`,
    );
  }
  const items = await request(createCliContext(), 'models:list', {});
  if (values.json) {
    printJson(items);
    return 0;
  }
  const rows = items.map((item) => [
    item.id,
    item.name,
    `${(item.sizeBytes / 1e6).toFixed(1)} MB`,
    item.featureLayer,
    licenseShortName(item.license),
    where(item),
  ]);
  const header = ['id', 'name', 'size', 'feature layer', 'license', 'on this machine'];
  process.stdout.write(`${formatTable(header, rows)}\n\n${licenseNotes(items)}\n`);
  return 0;
}

/** The full licence of each distinct weight source, once (the table has only its short name). */
function licenseNotes(items: CatalogItem[]): string {
  const licenses = [...new Set(items.map((item) => item.license))];
  return licenses
    .map((license) => {
      const families = [
        ...new Set(items.filter((i) => i.license === license).map((i) => i.family)),
      ];
      return `License of ${families.join(', ')}: ${license}`;
    })
    .join('\n');
}

function where(item: CatalogItem): string {
  if (!item.localDir) return 'no (transfer-studio models download <id>)';
  return `${item.downloaded ? 'cached' : 'local'}: ${item.localDir}`;
}

async function download(ids: string[], json: boolean): Promise<number> {
  if (ids.length !== 1) throw new CliUsageError('models download needs exactly one catalog id.');
  const context = createCliContext();
  let lastShown = -1;
  const stop = context.onEvent((event, payload) => {
    if (event !== 'models:download-progress' || json) return;
    const progress = payload as { receivedBytes: number; totalBytes?: number; phase: string };
    const percent = progress.totalBytes
      ? Math.floor((100 * progress.receivedBytes) / progress.totalBytes)
      : -1;
    if (percent === lastShown && progress.phase === 'downloading') return;
    lastShown = percent;
    process.stderr.write(
      `${progress.phase} ${(progress.receivedBytes / 1e6).toFixed(1)} MB` +
        `${percent >= 0 ? ` (${percent}%)` : ''}\n`,
    );
  });
  const onInterrupt = () => void request(context, 'models:cancel-download', { catalogId: ids[0]! });
  process.once('SIGINT', onInterrupt);
  try {
    const item = await request(context, 'models:download', { catalogId: ids[0]! });
    if (json) printJson(item);
    else process.stdout.write(`${item.name} is in ${item.localDir}\n`);
    return 0;
  } finally {
    stop();
    process.off('SIGINT', onInterrupt);
  }
}
