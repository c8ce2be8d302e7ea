import { expect, type Locator, type Page } from '@playwright/test';

/** The run history: table, detail of one run, comparison of several. */
export class RunsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('button', { name: /^Runs/ }).click();
    await expect(this.page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible();
  }

  get rows(): Locator {
    return this.page.getByRole('table', { name: 'Runs' }).locator('tbody tr');
  }

  row(runId: string): Locator {
    return this.page.locator(`tr[data-run-id="${runId}"]`);
  }

  async tick(runId: string): Promise<void> {
    await this.row(runId).getByRole('checkbox').check();
  }

  async compare(): Promise<void> {
    await this.page.getByRole('button', { name: /^Compare \d+ runs$/ }).click();
    await expect(this.comparison).toBeVisible();
  }

  get comparison(): Locator {
    return this.page.getByTestId('compare-view');
  }

  get settingsCompared(): Locator {
    return this.page.getByRole('table', { name: 'Settings compared' });
  }

  setting(name: string): Locator {
    return this.settingsCompared.locator('tbody tr', {
      has: this.page.getByRole('rowheader', { name, exact: true }),
    });
  }

  async rename(runId: string, name: string): Promise<void> {
    await this.row(runId).getByRole('button', { name: 'Rename' }).click();
    await this.row(runId).getByRole('textbox').fill(name);
    await this.row(runId).getByRole('button', { name: 'Save' }).click();
  }

  async openRun(runId: string): Promise<void> {
    await this.row(runId)
      .getByRole('button', { name: /^Open / })
      .click();
    await expect(this.detail).toBeVisible();
  }

  get detail(): Locator {
    return this.page.getByTestId('run-detail');
  }
}
