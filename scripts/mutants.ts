/**
 * `npm run mutants [-- --filter <implementation>] [--project <id>] [--variant <name> ...] [--all-cases]`:
 * the executable kill matrix.
 *
 * Builds every mutant of filter/variants.json that the implementation (default assemblyscript) has
 * and runs, on one proxy version (default: the newest
 * runnable Envoy), the cases the catalogue says must fail against it (with --all-cases: every case,
 * to find every killer). Prints variant, expected killers, actual killers and a verdict per mutant,
 * writes reports/mutants[-<implementation>]/mutants.json and mutants.md (the README table), and exits 1 when a mutant
 * survives or an expected killer passes or did not run, 2 on bad arguments or catalogue, 130 on Ctrl-C.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_IMPLEMENTATION, type FilterImplementation } from '../implementations';
import { readVariantsCatalogue } from '../implementations/variants-catalogue';
import { readMatrix } from '../report/diff';
import { formatResults, grepFor, judge, markdownTable, mutants, unknownKillers, type VariantResult } from '../report/mutants';
import { commandArgs, implementationNamed, unknownProjectMessage, usageError } from '../runner/cli';
import { buildVariants } from '../runner/filter-build';
import { listCases } from '../runner/list-cases';
import { runPlaywright } from '../runner/run-playwright';
import { settings } from '../runner/settings';
import { setup } from '../runner/setup';

const USAGE = 'npm run mutants -- [--filter <implementation>] [--project <id>] [--variant <name> ...] [--all-cases]';
const usage = (why: string): never => usageError('mutants', USAGE, why);

interface Options {
  implementation: FilterImplementation;
  project?: string;
  variants: string[];
  allCases: boolean;
}

function options(argv: string[]): Options {
  const { values } = commandArgs('mutants', USAGE, argv, {
    filter: { type: 'string', needs: '--filter needs an implementation id' },
    project: { type: 'string', needs: '--project needs an id' },
    variant: { type: 'string', multiple: true, needs: '--variant needs a name' },
    'all-cases': { type: 'boolean' },
  });
  return {
    implementation: implementationNamed(values.filter ?? DEFAULT_IMPLEMENTATION, usage),
    project: values.project,
    variants: values.variant ?? [],
    allCases: values['all-cases'] ?? false,
  };
}

async function main(): Promise<number> {
  const opts = options(process.argv.slice(2));
  const impl = opts.implementation;
  // The same catalogue (and so the same killers) for every implementation: each builds the subset it has.
  const catalogue = readVariantsCatalogue().filter((v) => impl.variants.includes(v.name));
  const known = mutants(catalogue).map((v) => v.name);
  for (const v of opts.variants) if (!known.includes(v)) usage(`unknown variant "${v}" for the ${impl.id} filter. Its mutants: ${known.join(', ')}`);
  if (opts.project) {
    const unknown = unknownProjectMessage(opts.project);
    if (unknown) usage(unknown);
  }

  settings.filter = impl.id;
  const proxies = await setup();
  const newest = proxies.filter((p) => p.available && p.entry.kind === 'envoy').map((p) => p.entry.id).at(-1);
  const project = opts.project ?? newest ?? usage('no runnable Envoy version here (see the [setup] lines above)');
  const selected = mutants(catalogue).filter((v) => !opts.variants.length || opts.variants.includes(v.name));

  const cases = listCases(project);
  const unknown = unknownKillers(selected, cases);
  if (unknown.length) usage(`filter/variants.json names cases the suites do not have:\n  ${unknown.join('\n  ')}`);

  console.log(`[mutants] ${impl.id} filter: building ${selected.length} variants`);
  const tb = Date.now();
  buildVariants(impl, selected.map((v) => v.name));
  console.log(`[mutants] built in ${((Date.now() - tb) / 1000).toFixed(0)} s`);
  const root = path.join(settings.reportsRoot, impl.id === DEFAULT_IMPLEMENTATION ? 'mutants' : `mutants-${impl.id}`);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });

  // One run: a project per mutant (the base project with that variant, grep'd to its killers), so
  // setup happens once and the workers run mutants side by side instead of one run per mutant.
  const t0 = Date.now();
  const run = { project, variants: selected.map((v) => ({ name: v.name, ...(opts.allCases ? {} : { grep: grepFor(v.killers.map((k) => k.case)) }) })) };
  const output = path.join(root, 'output.txt');
  const code = await runPlaywright([], { EWC_FILTER: impl.id, EWC_MUTANT_RUN: JSON.stringify(run), EWC_SELFTESTS: '0', EWC_REPORTS_ROOT: root }, undefined, output);
  if (code === 130) {
    console.log('[mutants] interrupted');
    return 130;
  }
  const file = path.join(root, 'matrix', 'matrix.json');
  if (!fs.existsSync(file)) throw new Error(`the mutants run wrote no ${file} (exit ${code}); its output: ${output}`);
  const matrix = readMatrix(file);
  const results: VariantResult[] = [];
  for (const [i, variant] of selected.entries()) {
    const result = judge(variant, matrix, `${project}~${variant.name}`);
    results.push(result);
    const killed = result.expected.filter((e) => result.killers.includes(e)).length;
    console.log(`[mutants] ${i + 1}/${selected.length} ${variant.name}: ${result.verdict} (${killed}/${result.expected.length} expected killers failed)`);
    for (const killer of result.killers) console.log(`[mutants]   failed: ${killer}: ${result.errors[killer]}`);
    if (result.verdict !== 'killed') console.log(`[mutants]   output: ${output}`);
  }

  console.log('');
  for (const line of formatResults(results, project, impl.id)) console.log(line);
  console.log(`[mutants] ${((Date.now() - t0) / 1000).toFixed(0)} s on ${project}; reports in ${root}`);
  fs.writeFileSync(path.join(root, 'mutants.json'), JSON.stringify({ implementation: impl.id, project, results }, null, 2));
  fs.writeFileSync(path.join(root, 'mutants.md'), `${markdownTable(selected, results).join('\n')}\n`);
  return results.every((r) => r.verdict === 'killed') ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (e: Error) => {
    console.error(`[mutants] ${e.message}`);
    process.exitCode = 2;
  },
);
