import { expect, type Locator, type Page } from '@playwright/test';

/** The Model screen: catalog (with downloads), model folder import, block diagram, plan panel. */
export class ModelPage {
  constructor(readonly page: Page) {}

  catalogItem(name: RegExp): Locator {
    return this.page.getByRole('radio', { name });
  }

  /** The blocks of the diagram, head first (top) down to the input (bottom). */
  get layerRows(): Locator {
    return this.blocks;
  }

  get blocks(): Locator {
    return this.page.getByTestId('block-row');
  }

  block(label: string): Locator {
    return this.page.locator(`[data-testid="block-row"][data-block="${label}"]`);
  }

  blockSwitch(label: string): Locator {
    return this.page.getByRole('switch', { name: `Train block ${label}`, exact: true });
  }

  get head(): Locator {
    return this.page.getByTestId('head-block');
  }

  get handle(): Locator {
    return this.page.getByRole('slider', { name: 'Freeze everything below here' });
  }

  preset(name: RegExp): Locator {
    return this.page.getByRole('radiogroup', { name: 'Presets' }).getByRole('radio', { name });
  }

  get freezeSummary(): Locator {
    return this.page.getByTestId('freeze-summary');
  }

  get trainable(): Locator {
    return this.page.getByTestId('total-trainable');
  }

  get backwardShare(): Locator {
    return this.page.getByTestId('total-backward');
  }

  get epochTime(): Locator {
    return this.page.getByTestId('total-epoch');
  }

  get memory(): Locator {
    return this.page.getByTestId('total-memory');
  }

  /** The licence line of a catalog card. */
  catalogLicense(name: RegExp): Locator {
    return this.page
      .locator('.catalog-item-wrap', { has: this.catalogItem(name) })
      .getByTestId('catalog-license');
  }

  get featureLayer(): Locator {
    return this.page.getByLabel('Feature layer (where the base is cut)');
  }

  /** Why the chosen or imported model could not be opened. */
  get modelError(): Locator {
    return this.page.getByRole('alert').filter({ hasText: 'That model could not be opened' });
  }

  get pathField(): Locator {
    return this.page.getByLabel('Or import a model folder');
  }

  async choose(name: RegExp): Promise<void> {
    await this.catalogItem(name).click();
    await expect(this.catalogItem(name)).toHaveAttribute('aria-checked', 'true');
  }

  /** Types a model folder's path and inspects it (the web shell's "Import model folder…"). */
  async importFolder(folder: string): Promise<void> {
    await this.pathField.fill(folder);
    await this.page.getByRole('button', { name: 'Use folder' }).click();
  }

  /** Waits for the measured speed calibration (it runs a short job in the training worker). */
  async waitForCalibration(): Promise<void> {
    await expect(this.epochTime).toBeVisible({ timeout: 180_000 });
  }

  /** Number of blocks whose switch says they train. */
  async trainingBlocks(): Promise<string[]> {
    return this.page
      .locator('[data-testid="block-row"][data-state="trains"]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-block') ?? ''));
  }
}
