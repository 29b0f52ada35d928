/** The Playwright project that tests the suite's own tooling; it is not a column of the matrix. */
export const SELFTEST_PROJECT = 'selftest';
