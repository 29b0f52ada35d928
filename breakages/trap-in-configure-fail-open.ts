import { trapEntry } from './traps';

export default trapEntry('configure', 'FAIL_OPEN');
