import { istioProxy } from './schema';

// Istio 1.29 bundles Envoy 1.37 (Istio's quarterly releases track the Envoy minor of the
// quarter before; the image check compares this with `envoy --version` wherever the image exists).
export default istioProxy('1.29.0', '1.37');
