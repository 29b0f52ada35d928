import { istioProxy } from './schema';

// Istio 1.28 ships Envoy 1.36 (istio/proxy release-1.28).
export default istioProxy('1.28.0', '1.36');
