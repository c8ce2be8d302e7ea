import { expect, type Locator, type Page } from '@playwright/test';

export class DatasetPage {
  constructor(readonly page: Page) {}

  get pathField(): Locator {
    return this.page.getByLabel('Image folder');
  }

  get folders(): Locator {
    return this.page.getByRole('list', { name: 'Dataset folders' });
  }

  get classCards(): Locator {
    return this.page.getByTestId('class-card');
  }

  get error(): Locator {
    return this.page.getByRole('alert');
  }

  /** Types a folder path and adds it; the server validates it by scanning. */
  async addFolder(folder: string): Promise<void> {
    await this.pathField.fill(folder);
    await this.page.getByRole('button', { name: 'Add', exact: true }).click();
  }

  classCard(name: string): Locator {
    return this.classCards.filter({ has: this.page.getByRole('heading', { name, exact: true }) });
  }

  /** The doctor's one-line summary at the top. */
  get findings(): Locator {
    return this.page.getByTestId('dataset-findings');
  }

  get problems(): Locator {
    return this.page.getByTestId('problems').locator('li.problem');
  }

  /** Problems reported for one file or folder (by absolute path). */
  problemsFor(filePath: string): Locator {
    const quoted = filePath.replace(/["\\]/g, '\\$&');
    return this.page.getByTestId('problems').locator(`li.problem[data-path="${quoted}"]`);
  }

  /** Shows every problem (the list shows the first few until asked). */
  async showAllProblems(): Promise<void> {
    const more = this.page.getByRole('button', { name: /^Show all \d+$/ });
    if (await more.isVisible()) await more.click();
  }

  get kindFilter(): Locator {
    return this.page.getByLabel('Show', { exact: true });
  }

  get rescanButton(): Locator {
    return this.page.getByRole('button', { name: 'Rescan', exact: true });
  }

  get excludedFiles(): Locator {
    return this.page.getByRole('list', { name: 'Files left out' });
  }

  get scanProgress(): Locator {
    return this.page.getByTestId('scan-progress');
  }

  get cancelScanButton(): Locator {
    return this.page.getByRole('button', { name: 'Cancel scan' });
  }

  /** The "Scan cancelled" notice. */
  get notice(): Locator {
    return this.page.getByRole('status').filter({ hasText: 'Scan cancelled' });
  }

  /** Opens the image browser of a class from its card. */
  async browse(className: string): Promise<void> {
    await this.page.getByRole('button', { name: `Browse images of ${className}` }).click();
    await expect(this.browser).toBeVisible();
  }

  get browser(): Locator {
    return this.page.getByRole('dialog', { name: /^Images of / });
  }

  get grid(): Locator {
    return this.browser.getByRole('grid');
  }

  get gridCells(): Locator {
    return this.grid.getByTestId('browse-cell');
  }

  gridCell(fileName: string): Locator {
    return this.gridCells.filter({
      has: this.page.locator('.browse-name', {
        hasText: new RegExp(`^${escapeRegExp(fileName)}$`),
      }),
    });
  }

  /** Waits until every visible thumbnail has decoded into a real image. */
  async expectThumbnailsLoaded(): Promise<void> {
    const images = this.classCards.locator('img');
    await expect(images.first()).toBeVisible();
    await expect
      .poll(() =>
        images.evaluateAll((all) => all.every((img) => (img as HTMLImageElement).naturalWidth > 0)),
      )
      .toBe(true);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
