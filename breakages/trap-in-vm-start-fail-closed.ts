import { trapEntry } from './traps';

export default trapEntry('vm-start', 'FAIL_CLOSED');
