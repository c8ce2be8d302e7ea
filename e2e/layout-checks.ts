import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** What is wrong with the frame of the window at its current size ([] when nothing). */
async function frameProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const doc = document.documentElement;
    const width = window.innerWidth;
    const height = window.innerHeight;
    if (doc.scrollHeight > height + 1)
      problems.push(`the document is ${doc.scrollHeight} px tall in a ${height} px window`);
    if (doc.scrollWidth > width + 1)
      problems.push(`the document is ${doc.scrollWidth} px wide in a ${width} px window`);
    const body = document.querySelector<HTMLElement>('.app-body');
    if (!body) return ['no .app-body'];
    if (body.scrollWidth > body.clientWidth + 1) {
      const edge = body.getBoundingClientRect().right;
      const culprits = [...body.querySelectorAll<HTMLElement>('*')]
        .filter((el) => el.getBoundingClientRect().right > edge + 1 && el.childElementCount === 0)
        .slice(0, 3)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
      problems.push(
        `the screen scrolls sideways (${body.scrollWidth} > ${body.clientWidth} px): ${culprits.join(', ')}`,
      );
    }

    // Header: every tab and the Runs button whole inside the window, each label on one line.
    const header = document.querySelector<HTMLElement>('.app-header')!;
    for (const element of header.querySelectorAll<HTMLElement>('[role="tab"], .runs-button')) {
      const rect = element.getBoundingClientRect();
      const name = element.textContent?.trim();
      if (rect.left < 0 || rect.right > width + 0.5)
        problems.push(`"${name}" is cut off (${Math.round(rect.left)}-${Math.round(rect.right)})`);
      const texts = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let text = texts.nextNode(); text; text = texts.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(text);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) problems.push(`"${name}" wraps onto ${lines.size} lines`);
      }
    }
    if (header.scrollWidth > header.clientWidth + 1) problems.push('the header overflows');

    // Status bar: its items side by side, none over another, none cut off.
    const bar = document.querySelector<HTMLElement>('.status-bar')!;
    if (bar.scrollWidth > bar.clientWidth + 1) problems.push('the status bar overflows');
    const barTexts = document.createTreeWalker(bar, NodeFilter.SHOW_TEXT);
    for (let text = barTexts.nextNode(); text; text = barTexts.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(text);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (lines.size > 1) problems.push(`status bar text "${text.textContent}" wraps`);
    }
    const items = [...bar.children]
      .map((child) => child.getBoundingClientRect())
      .filter((rect) => rect.width > 0);
    for (let i = 1; i < items.length; i++)
      if (items[i]!.left < items[i - 1]!.right - 0.5) problems.push('status bar items overlap');

    // Stat rows: every row of figures reaches the right edge (no empty blocks after a wrap).
    for (const stats of document.querySelectorAll<HTMLElement>('.stats')) {
      const edge = stats.getBoundingClientRect().right - stats.clientLeft;
      const rowEnds = new Map<number, number>();
      for (const child of stats.children) {
        const rect = child.getBoundingClientRect();
        const top = Math.round(rect.top);
        rowEnds.set(top, Math.max(rowEnds.get(top) ?? 0, rect.right));
      }
      const short = [...rowEnds.values()].filter((end) => end < edge - 2).length;
      if (short) problems.push(`${short} stat row(s) stop short of the edge, leaving empty blocks`);
    }

    // Scrolled to the end, the header and the status bar are still where they belong.
    const before = body.scrollTop;
    body.scrollTop = body.scrollHeight;
    const headerTop = header.getBoundingClientRect().top;
    const barBottom = bar.getBoundingClientRect().bottom;
    if (Math.abs(headerTop) > 0.5) problems.push(`scrolled down, the header moved to ${headerTop}`);
    if (Math.abs(barBottom - height) > 0.5)
      problems.push(`scrolled down, the status bar ends at ${barBottom} of ${height}`);
    if (document.scrollingElement && document.scrollingElement.scrollTop !== 0)
      problems.push('the document itself scrolled');
    body.scrollTop = before;
    return problems;
  });
}

/** The window frame is whole: only the screen area scrolls, and only up and down. */
export async function expectUsableFrame(page: Page, where: string): Promise<void> {
  // Polled: charts follow a new window size on the next frames, not at once.
  await expect
    .soft(async () => {
      const problems = await frameProblems(page);
      expect(problems, `${where} at ${page.viewportSize()?.width} px`).toEqual([]);
    })
    .toPass({ timeout: 5_000 });
}

/** axe-core finds no accessibility violation on what is on screen now. */
export async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const found = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
        .slice(0, 3)
        .map((node) => `${node.target.join(' ')} ${node.failureSummary?.split('\n')[1] ?? ''}`)
        .join(' | ')}`,
  );
  expect.soft(found, `axe on ${where}`).toEqual([]);
}
