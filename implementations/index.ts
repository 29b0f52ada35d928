/**
 * The filter implementations (one module each) and where their builds land. `EWC_FILTER` selects
 * one; an unknown id is an error naming the known ones.
 */
import path from 'node:path';
import assemblyscript from './assemblyscript';
import rust from './rust';
import { type FilterImplementation, UnknownImplementationError } from './schema';

export type { FilterImplementation, ImplementationDifference } from './schema';
export { UnknownImplementationError } from './schema';

export const IMPLEMENTATIONS: readonly FilterImplementation[] = [assemblyscript, rust];
export const DEFAULT_IMPLEMENTATION = assemblyscript.id;

const repoRoot = path.resolve(__dirname, '..');

export function implementationById(id: string): FilterImplementation {
  const found = IMPLEMENTATIONS.find((i) => i.id === id);
  if (!found) throw new UnknownImplementationError(`unknown filter implementation "${id}". Known: ${IMPLEMENTATIONS.map((i) => i.id).join(', ')}`);
  return found;
}

/** The implementation a value of EWC_FILTER names (unset or empty: the default). */
export function selectImplementation(value: string | undefined): FilterImplementation {
  return implementationById(value?.trim() || DEFAULT_IMPLEMENTATION);
}

/** The built module of one variant ('none' = production) of an implementation. */
export function variantWasmPath(impl: FilterImplementation, variant: string): string {
  const dir = path.join(repoRoot, impl.outputDir);
  return variant === 'none' ? path.join(dir, 'filter.wasm') : path.join(dir, 'variants', `${variant}.wasm`);
}

/** Why an implementation cannot build a variant, or null when it can. */
export function missingVariant(impl: FilterImplementation, variant: string): string | null {
  if (variant === 'none' || impl.variants.includes(variant)) return null;
  return `the ${impl.id} filter has no variant "${variant}" (it builds: ${impl.variants.join(', ')})`;
}
