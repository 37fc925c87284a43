import { expect, test } from '@jupyterlab/galata';

import { languageSettings, PANEL_ID, screenshotOnScreen } from './helpers';

/**
 * The second test server has no Neuron tools at all (an empty tools folder and
 * no PATH search): the panel must say so clearly, in both languages.
 */

for (const language of ['en', 'ja'] as const) {
  test.describe(`Tools not found (${language})`, () => {
    test.use({ mockSettings: languageSettings(language) });

    test('says which folders were searched and what to install', async ({
      page
    }) => {
      await page.sidebar.openTab(PANEL_ID);
      const section = page.locator('#jp-Neuron-section-environment');
      const title =
        language === 'ja'
          ? 'Neuron ツールが見つかりません'
          : 'Neuron tools were not found';
      await expect(section.getByText(title)).toBeVisible();
      await expect(
        section.locator('.jp-Neuron-SearchedFolders li').first()
      ).toContainText('no-neuron-tools-');
      await expect(
        section.getByText('aws-neuronx-tools').first()
      ).toBeVisible();
      // Not simulated, and no hardware facts are made up.
      await expect(section.locator('.jp-Neuron-SimulatedBanner')).toHaveCount(
        0
      );
      await expect(section.locator('.jp-Neuron-DevicesTable')).toHaveCount(0);
      if (language === 'en') {
        expect(
          await screenshotOnScreen(page, section, [
            section.locator('.jp-Neuron-SearchedFolders'),
            section.locator('.jp-Neuron-Environment-updated'),
            section.locator('.jp-Neuron-Path'),
            section.locator('.jp-Neuron-Section-body > p.jp-Neuron-Muted')
          ])
        ).toMatchSnapshot('no-tools-en.png');
      }
    });
  });
}
