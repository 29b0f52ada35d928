/**
 * A container a run owns: the run's labels (engine/ownership.ts: the sweep and `npm run clean`
 * find it by them) and the run's CPU weight (engine/cpu-weight.ts: its cgroup parent, where setup
 * chose one). Envoys, peers and the one-shot image checks are all made from it.
 */
import { GenericContainer } from 'testcontainers';
import { settings } from '../runner/settings';
import { runLabels } from './ownership';

export class RunContainer extends GenericContainer {
  constructor(image: string, labels: Record<string, string> = {}) {
    super(image);
    this.withLabels({ ...runLabels(), ...labels });
    const parent = settings.cgroupParent;
    if (parent) this.hostConfig.CgroupParent = parent;
  }
}
