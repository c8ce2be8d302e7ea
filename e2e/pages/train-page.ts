import { expect, type Locator, type Page } from '@playwright/test';

/** Number fields of the Train screen, by their input name. */
export type TrainField =
  | 'epochs'
  | 'learningRate'
  | 'batchSize'
  | 'momentum'
  | 'labelSmoothing'
  | 'patience'
  | 'fineTuneEpochs'
  | 'fineTuneFactor'
  | 'seed'
  | 'viewsPerImage'
  | 'extendEpochs';

export type TrainPanel = 'Advanced' | 'Augmentation' | 'Learning-rate finder';

export type AugmentOption = 'Flip' | 'Rotation' | 'Zoom and crop' | 'Exposure' | 'Noise' | 'Blur';

export class TrainPage {
  constructor(readonly page: Page) {}

  field(name: TrainField): Locator {
    return this.page.locator(`input[name="${name}"]`);
  }

  get startButton(): Locator {
    return this.page.getByRole('button', { name: 'Start training' });
  }

  get pauseButton(): Locator {
    return this.page.getByRole('button', { name: 'Pause', exact: true });
  }

  get resumeButton(): Locator {
    return this.page.getByRole('button', { name: 'Resume', exact: true });
  }

  get cancelButton(): Locator {
    return this.page.getByRole('button', { name: 'Cancel training' });
  }

  get extendButton(): Locator {
    return this.page.getByRole('button', { name: 'Extend', exact: true });
  }

  get status(): Locator {
    return this.page.getByTestId('run-status');
  }

  get chart(): Locator {
    return this.page.getByTestId('metrics-chart');
  }

  get epochTime(): Locator {
    return this.page.getByTestId('epoch-time');
  }

  get epochsDone(): Locator {
    return this.page.getByTestId('epochs-done');
  }

  /** Opens a disclosure of the settings card (no-op when it is open). */
  async openPanel(name: TrainPanel): Promise<void> {
    const details = this.page.locator('details.disclosure', {
      has: this.page.locator('summary', { hasText: name }),
    });
    if ((await details.getAttribute('open')) === null)
      await details.locator('summary').first().click();
    await expect(details).toHaveAttribute('open', '');
  }

  /** Picks an option of a segmented control by clicking its label, as a user does. */
  async choose(option: string): Promise<void> {
    const radio = this.page.getByRole('radio', { name: option, exact: true });
    await this.page.locator('label', { has: radio }).click();
    await expect(radio).toBeChecked();
  }

  /** Turns a switch on or off by clicking its label (the drawn track covers the checkbox). */
  async setSwitch(name: string, on: boolean): Promise<void> {
    const control = this.page.getByRole('switch', { name, exact: true });
    if ((await control.isChecked()) !== on)
      await this.page.locator('label', { has: control }).click();
    if (on) await expect(control).toBeChecked();
    else await expect(control).not.toBeChecked();
  }

  augmentSwitch(option: AugmentOption): Locator {
    return this.page.getByRole('switch', { name: option, exact: true });
  }

  augmentStrength(option: AugmentOption): Locator {
    return this.page.getByRole('slider', { name: `${option} strength` });
  }

  get preview(): Locator {
    return this.page.getByTestId('augment-preview');
  }

  get previewImages(): Locator {
    return this.preview.getByRole('img', { name: /^Augmented view/ });
  }

  get cacheSentence(): Locator {
    return this.page.getByTestId('cache-sentence');
  }

  /** Waits for the preview to settle with `count` decoded images; returns their sources. */
  async previewSources(count: number): Promise<string[]> {
    await expect(this.preview).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
    await expect(this.previewImages).toHaveCount(count);
    await expect
      .poll(() =>
        this.previewImages.evaluateAll((all) =>
          all.every((img) => (img as HTMLImageElement).naturalWidth > 0),
        ),
      )
      .toBe(true);
    return this.previewImages.evaluateAll((all) => all.map((img) => (img as HTMLImageElement).src));
  }

  get lrFindButton(): Locator {
    return this.page.getByRole('button', { name: /Find a learning rate|Run again/ });
  }

  get lrPlot(): Locator {
    return this.page.getByTestId('lr-finder-plot');
  }

  get lrSuggestion(): Locator {
    return this.page.getByTestId('lr-suggestion');
  }

  get useSuggestionButton(): Locator {
    return this.lrSuggestion.getByRole('button', { name: 'Use this' });
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

  /** Batches the chart has received so far. */
  async batchesSeen(): Promise<number> {
    return Number(await this.chart.getAttribute('data-batches'));
  }
}
