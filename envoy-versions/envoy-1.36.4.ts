import { upstreamEnvoy } from './schema';

export default upstreamEnvoy('1.36.4');
