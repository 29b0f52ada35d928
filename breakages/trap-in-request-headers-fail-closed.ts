import { trapEntry } from './traps';

export default trapEntry('request-headers', 'FAIL_CLOSED');
