import type { Reporter, TestModule } from 'vitest/node'

/**
 * Prints one closing line, `tests: N passed, N failed` (and `, N skipped` when any), after
 * the default reporter's summary, so any tool can read the outcome of `pnpm test`. A test
 * file that fails to load counts as one failure.
 */
export default class SummaryReporter implements Reporter {
  private line = ''

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0
    let failed = unhandledErrors.length
    let skipped = 0
    for (const mod of testModules) {
      const tests = [...mod.children.allTests()]
      if (tests.length === 0 && mod.state() === 'failed') failed++
      for (const test of tests) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
    }
    this.line = `tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`
    // The default reporter prints its summary after this hook; print our line after it.
    process.once('beforeExit', () => console.log(`\n${this.line}`))
  }
}
