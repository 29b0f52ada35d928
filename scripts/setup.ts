/** `npm run setup`: everything a run needs, timed (runner/setup.ts); a second run downloads and builds nothing. */
import { commandArgs } from '../runner/cli';
import { setup } from '../runner/setup';

commandArgs('setup', 'npm run setup', process.argv.slice(2), {});
setup().catch((e: Error) => {
  console.error(`[setup] ${e.message}`);
  process.exit(1);
});
