// Writes "<passed> <failed>" for .ci/run, which prints the contract's one-line summary.
const { writeFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.PLAZA_TEST_SUMMARY_FILE;
    if (!file) return;
    const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
    writeFileSync(file, `${results.numPassedTests} ${failed}\n`);
  }
}

module.exports = SummaryReporter;
