import { upstreamEnvoy } from './schema';

export default upstreamEnvoy('1.40.0');
