import type { Locator, Page } from '@playwright/test';

export class ExportPage {
  constructor(readonly page: Page) {}

  get folderField(): Locator {
    return this.page.getByLabel('Export folder');
  }

  /** The folder the export goes to (the typed one, else the default), shown before Export. */
  get target(): Locator {
    return this.page.getByTestId('export-target');
  }

  get downloadButton(): Locator {
    return this.page.getByRole('button', { name: 'Download as ZIP' });
  }

  get files(): Locator {
    return this.page.getByTestId('export-file');
  }

  format(name: 'TensorFlow.js' | 'ONNX'): Locator {
    return this.page.getByRole('radio', { name });
  }

  /** The radio itself is visually hidden behind its segmented label; click the label. */
  async chooseFormat(name: 'TensorFlow.js' | 'ONNX'): Promise<void> {
    await this.page
      .getByRole('radiogroup', { name: 'Format' })
      .locator('label')
      .filter({ hasText: name })
      .click();
  }

  get zipToggle(): Locator {
    return this.page.getByLabel('Also make a ZIP of the export beside the folder');
  }

  get progress(): Locator {
    return this.page.getByTestId('export-progress');
  }

  get summary(): Locator {
    return this.page.getByTestId('export-summary');
  }

  get verdict(): Locator {
    return this.page.getByTestId('export-verdict');
  }

  get maxDiff(): Locator {
    return this.page.getByTestId('export-max-diff');
  }

  get readmePath(): Locator {
    return this.page.getByTestId('export-readme');
  }

  get overwriteDialog(): Locator {
    return this.page.getByRole('dialog', { name: 'Replace the earlier export?' });
  }

  get error(): Locator {
    return this.page.getByRole('alert');
  }

  async startExport(): Promise<void> {
    await this.page.getByRole('button', { name: 'Export', exact: true }).click();
  }

  async exportTo(folder: string): Promise<void> {
    await this.folderField.fill(folder);
    await this.startExport();
  }
}
