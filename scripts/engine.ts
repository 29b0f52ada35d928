/**
 * `npm run engine`: which Docker engine a run would use, and how it was found (DOCKER_HOST, a docker
 * context, testcontainers' socket discovery, or a dockerd started here as root). Exit 1 with how to
 * get one when none answers.
 */
import { ensureEngine } from '../engine/docker-engine';
import { configureTestcontainers } from '../engine/testcontainers-env';
import { commandArgs } from '../runner/cli';

commandArgs('engine', 'npm run engine', process.argv.slice(2), {});
configureTestcontainers();

ensureEngine().then(
  (e) => {
    console.log(`[engine] docker ${e.serverVersion} at ${e.endpoint} (via ${e.via}${e.startedByUs ? ', started now' : ''})`);
    // An abandoned discovery attempt may still hold a socket open: the answer is given, so exit.
    process.exit(0);
  },
  (e: Error) => {
    console.error(`[engine] ${e.message}`);
    process.exit(1);
  },
);
