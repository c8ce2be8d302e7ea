import type { Locator, Page } from '@playwright/test';

export class ExportPage {
  constructor(readonly page: Page) {}

  get folderField(): Locator {
    return this.page.getByLabel('Export folder');
  }

  get files(): Locator {
    return this.page.getByTestId('export-file');
  }

  async exportTo(folder: string): Promise<void> {
    await this.folderField.fill(folder);
    await this.page.getByRole('button', { name: 'Export', exact: true }).click();
  }
}
