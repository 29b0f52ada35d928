import { upstreamEnvoy } from './schema';

export default upstreamEnvoy('1.39.3');
