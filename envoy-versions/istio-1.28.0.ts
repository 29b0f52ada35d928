import { istioProxy } from './schema';

// Istio 1.28 bundles Envoy 1.36 (istio/proxy release-1.28); the image check compares this with `envoy --version`.
export default istioProxy('1.28.0', '1.36');
