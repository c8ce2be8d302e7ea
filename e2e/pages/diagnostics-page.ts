import { expect, type Locator, type Page } from '@playwright/test';

/** The GPU doctor dialog, opened from the status bar's backend button. */
export class DiagnosticsPage {
  constructor(readonly page: Page) {}

  get opener(): Locator {
    return this.page.getByRole('contentinfo').getByRole('button', { name: /Backend:/ });
  }

  get dialog(): Locator {
    return this.page.getByRole('dialog', { name: 'GPU doctor' });
  }

  /** The TF.js backends (the training chain). */
  get rows(): Locator {
    return this.dialog.getByRole('list', { name: 'Compute backends' }).locator('.backend-row');
  }

  /** The feature engines (which one computes the frozen layers' features). */
  get engineRows(): Locator {
    return this.dialog.getByRole('list', { name: 'Feature engines' }).locator('.backend-row');
  }

  row(backend: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'): Locator {
    return this.dialog.locator(`.backend-row[data-backend="${backend}"]`);
  }

  async open(): Promise<void> {
    await this.opener.click();
    await expect(this.dialog).toBeVisible();
  }
}
