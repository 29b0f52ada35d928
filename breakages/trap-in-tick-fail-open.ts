import { trapEntry } from './traps';

export default trapEntry('tick', 'FAIL_OPEN');
