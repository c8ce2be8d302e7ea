import { expect, type Locator, type Page } from '@playwright/test';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { studioEnv } from '../studio-env';

/** Where the web shell keeps the current project (main/services/project/project-store.ts). */
export const projectFile = (): string => path.join(studioEnv('STUDIO_DATA_DIR'), 'project.json');

export type TabName = 'Dataset' | 'Model' | 'Train' | 'Evaluate' | 'Try it' | 'Export';

/** The frame around every screen: tabs and the status bar. */
export class StudioPage {
  constructor(readonly page: Page) {}

  /**
   * Opens the address the web shell printed (token included) and waits for the connection.
   * Each spec starts a new project (the web shell and its data folder are shared by all specs)
   * unless `keepProject` asks for the one the last page left.
   */
  async open(url: string, options: { keepProject?: boolean } = {}): Promise<void> {
    if (!options.keepProject) await rm(projectFile(), { force: true });
    await this.page.goto(url);
    await expect(this.page.getByRole('contentinfo')).toContainText('Connected');
  }

  tab(name: TabName): Locator {
    return this.page.getByRole('tab', { name });
  }

  /** The tick of a step in the tab bar (shown once that step's work succeeded). */
  stepTick(name: TabName): Locator {
    return this.tab(name).locator('.tab-step.done');
  }

  async goTo(name: TabName): Promise<void> {
    await this.tab(name).click();
    await expect(this.tab(name)).toHaveAttribute('aria-selected', 'true');
  }

  get backend(): Locator {
    return this.page.getByTestId('backend');
  }

  async screenshot(file: string): Promise<void> {
    // Settle transitions and lazy images so the picture shows the finished screen.
    await this.page.evaluate(() => document.fonts.ready);
    await this.page.mouse.move(0, 0);
    // Only the screen area scrolls, so grow the window to fit it, then restore the size.
    const size = this.page.viewportSize();
    const needed = await this.page.evaluate(() => {
      const body = document.querySelector('.app-body');
      const chrome = document.documentElement.clientHeight - (body?.clientHeight ?? 0);
      return Math.ceil(chrome + (body?.scrollHeight ?? 0));
    });
    if (size)
      await this.page.setViewportSize({ width: size.width, height: Math.max(size.height, needed) });
    await this.page.screenshot({ path: file, animations: 'disabled' });
    if (size) await this.page.setViewportSize(size);
  }
}
