/** `npm run matrix [-- <playwright args>]`: setup (timed), then the conformance matrix. */
import { runPlaywright } from '../runner/run-playwright';
import { setup } from '../runner/setup';

(async () => {
  await setup();
  // The matrix is the conformance cases; the suite's own selftests run in `npm test`.
  process.exitCode = await runPlaywright(process.argv.slice(2), { EWC_SELFTESTS: '0' });
})().catch((e: Error) => {
  console.error(`[matrix] ${e.message}`);
  process.exit(1);
});
