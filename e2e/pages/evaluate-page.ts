import { expect, type Locator, type Page } from '@playwright/test';

/** The Evaluate screen: metrics, confusion matrix, reliability diagram and image gallery. */
export class EvaluatePage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('tab', { name: 'Evaluate' }).click();
    await expect(this.summary).toBeVisible({ timeout: 60_000 });
  }

  get summary(): Locator {
    return this.page.getByTestId('evaluation-summary');
  }

  get accuracy(): Locator {
    return this.page.getByTestId('eval-accuracy');
  }

  get ece(): Locator {
    return this.page.getByTestId('eval-ece');
  }

  get perClassRows(): Locator {
    return this.page.getByRole('table', { name: 'Per-class metrics' }).locator('tbody tr');
  }

  cell(actual: number, predicted: number): Locator {
    return this.page.getByTestId(`confusion-cell-${actual}-${predicted}`);
  }

  get reliability(): Locator {
    return this.page.getByTestId('reliability-diagram');
  }

  get galleryTotal(): Locator {
    return this.page.getByTestId('gallery-total');
  }

  get images(): Locator {
    return this.page.getByTestId('evaluated-image');
  }

  image(name: string): Locator {
    return this.page.locator(`[data-testid="evaluated-image"][data-name="${name}"]`);
  }

  /** File names shown in the gallery, in order. */
  async imageNames(): Promise<string[]> {
    return this.images.evaluateAll((cards) =>
      cards.map((card) => card.getAttribute('data-name') ?? ''),
    );
  }

  async expectThumbnailsLoaded(): Promise<void> {
    const images = this.images.locator('img');
    await expect(images.first()).toBeVisible();
    await expect
      .poll(() =>
        images.evaluateAll((all) => all.every((img) => (img as HTMLImageElement).naturalWidth > 0)),
      )
      .toBe(true);
  }

  get retrainButton(): Locator {
    return this.page.getByRole('button', { name: 'Retrain with the same settings' });
  }

  get changesBanner(): Locator {
    return this.page.getByTestId('changes-banner');
  }
}
