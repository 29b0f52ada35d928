import { trapEntry } from './traps';

export default trapEntry('http-call-response', 'FAIL_OPEN');
