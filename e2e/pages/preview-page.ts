import { expect, type Locator, type Page } from '@playwright/test';

/** "Try it": images in, top-k predictions out. */
export class PreviewPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('tab', { name: 'Try it' }).click();
    await expect(this.page.getByTestId('preview-drop')).toBeVisible();
  }

  async choose(files: string[]): Promise<void> {
    await this.page.getByTestId('preview-file-input').setInputFiles(files);
  }

  get predictions(): Locator {
    return this.page.getByTestId('prediction');
  }

  prediction(name: string): Locator {
    return this.page.locator(`[data-testid="prediction"][data-name="${name}"]`);
  }
}
