import { expect, type Locator, type Page } from '@playwright/test';

export class ModelPage {
  constructor(readonly page: Page) {}

  catalogItem(name: RegExp): Locator {
    return this.page.getByRole('radio', { name });
  }

  get layerRows(): Locator {
    return this.page.locator('table.layers tbody tr');
  }

  get freezeSummary(): Locator {
    return this.page.getByTestId('freeze-summary');
  }

  async choose(name: RegExp): Promise<void> {
    await this.catalogItem(name).click();
    await expect(this.catalogItem(name)).toHaveAttribute('aria-checked', 'true');
  }
}
