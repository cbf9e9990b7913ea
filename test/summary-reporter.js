// Adds "<passed> <failed>" of this Jest run to the file .ci/run reads (npm test runs Jest twice)
// for the contract's one-line summary.
const { existsSync, readFileSync, writeFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.PLAZA_TEST_SUMMARY_FILE;
    if (!file) return;
    const [passed, failed] = existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).map(Number) : [0, 0];
    const failedNow = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
    writeFileSync(file, `${(passed || 0) + results.numPassedTests} ${(failed || 0) + failedNow}\n`);
  }
}

module.exports = SummaryReporter;
