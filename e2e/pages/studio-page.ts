import { expect, type Locator, type Page } from '@playwright/test';

export type TabName = 'Dataset' | 'Model' | 'Train' | 'Export';

/** The frame around every screen: tabs and the status bar. */
export class StudioPage {
  constructor(readonly page: Page) {}

  /** Opens the address the web shell printed (token included) and waits for the connection. */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(this.page.getByRole('contentinfo')).toContainText('Connected');
  }

  tab(name: TabName): Locator {
    return this.page.getByRole('tab', { name });
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
    await this.page.screenshot({ path: file, animations: 'disabled' });
  }
}
