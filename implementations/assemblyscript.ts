import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FilterImplementation } from './schema';

const catalogue = JSON.parse(readFileSync(path.join(__dirname, '..', 'filter', 'variants.json'), 'utf8')) as Array<{ name: string }>;

/** The reference implementation: every variant of the catalogue is built from filter/assembly/. */
const assemblyscript: FilterImplementation = {
  id: 'assemblyscript',
  sdk: 'AssemblyScript 0.17.14, @solo-io/proxy-runtime 0.1.8',
  buildScript: 'filter/build.mjs',
  outputDir: 'filter/build',
  abiMarker: 'proxy_abi_version_0_2_0',
  variants: catalogue.map((v) => v.name),
  differences: [],
};

export default assemblyscript;
