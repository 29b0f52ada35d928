/** `npm run matrix [-- <playwright args>]`: setup (timed), then the conformance matrix. */
import { setup } from './setup';
import { runPlaywright } from './run-playwright';

(async () => {
  await setup();
  process.exitCode = await runPlaywright(process.argv.slice(2));
})().catch((e: Error) => {
  console.error(`[matrix] ${e.message}`);
  process.exit(1);
});
