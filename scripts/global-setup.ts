/** Playwright's global setup: prepareRun(). Proxy images are resolved lazily per selected project. */
import type { FullConfig } from '@playwright/test';
import { prepareRun } from '../runner/prepare';

export default async function globalSetup(_config: FullConfig): Promise<void> {
  await prepareRun();
}
