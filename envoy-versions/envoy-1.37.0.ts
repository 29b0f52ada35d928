import { upstreamEnvoy } from './schema';

export default upstreamEnvoy('1.37.0');
