import type { FilterImplementation } from './schema';
import { catalogueVariantNames } from './variants-catalogue';

/** The reference implementation: every variant of the catalogue is built from filter/assembly/. */
const assemblyscript: FilterImplementation = {
  id: 'assemblyscript',
  sdk: 'AssemblyScript 0.17.14, @solo-io/proxy-runtime 0.1.8',
  buildScript: 'filter/build.mjs',
  outputDir: 'filter/build',
  abiMarker: 'proxy_abi_version_0_2_0',
  variants: catalogueVariantNames(),
  differences: [],
};

export default assemblyscript;
