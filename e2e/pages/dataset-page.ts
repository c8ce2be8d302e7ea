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
