import { upstreamEnvoy } from './schema';

export default upstreamEnvoy('1.38.3');
