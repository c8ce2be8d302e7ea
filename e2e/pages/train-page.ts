import type { Locator, Page } from '@playwright/test';

export class TrainPage {
  constructor(readonly page: Page) {}

  field(name: 'epochs' | 'learningRate' | 'batchSize'): Locator {
    return this.page.locator(`input[name="${name}"]`);
  }

  get startButton(): Locator {
    return this.page.getByRole('button', { name: 'Start training' });
  }

  get status(): Locator {
    return this.page.getByTestId('run-status');
  }

  get chart(): Locator {
    return this.page.getByTestId('metrics-chart');
  }

  get imagesPerSecond(): Locator {
    return this.page.getByTestId('images-per-second');
  }

  /**
   * Records every value the chart's data-points attribute takes from now on (a
   * MutationObserver in the page), so a test can check the curve grew point by point.
   */
  async recordChartPoints(): Promise<void> {
    await this.chart.evaluate((chart) => {
      const seen: number[] = [];
      (window as unknown as { chartPoints: number[] }).chartPoints = seen;
      new MutationObserver(() => seen.push(Number(chart.getAttribute('data-points')))).observe(
        chart,
        {
          attributes: true,
          attributeFilter: ['data-points'],
        },
      );
    });
  }

  async recordedChartPoints(): Promise<number[]> {
    return this.page.evaluate(() => (window as unknown as { chartPoints: number[] }).chartPoints);
  }
}
