import { createCliContext, formatTable, printJson } from '../cli-context';
import { parseCommandArgs, request } from '../parse-args';

export async function runModelsCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean', default: false } });
  const items = await request(createCliContext(), 'models:list', {});
  if (values.json) {
    printJson(items);
    return 0;
  }
  const rows = items.map((item) => [
    item.id,
    item.name,
    `${(item.sizeBytes / 1e6).toFixed(1)} MB`,
    item.localDir ?? 'not on this machine',
  ]);
  process.stdout.write(`${formatTable(['id', 'name', 'size', 'local folder'], rows)}\n`);
  return 0;
}
