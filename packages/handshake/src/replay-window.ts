/**
 * A sliding replay window over frame counters (as RFC 4303 §3.4.3 and RFC 9147 §4.5.1): a
 * counter is new when it is above the highest accepted, or within the window and not yet
 * seen. `check` only looks; `commit` records a counter, and is called only once the frame
 * has been authenticated, so a forged frame can never move the window.
 */
export class ReplayWindow {
  readonly size: number
  #highest = -1
  readonly #seen: Uint8Array

  constructor(size: number) {
    this.size = size
    this.#seen = new Uint8Array(size)
  }

  /** True when `counter` has not been accepted and is not older than the window. */
  check(counter: number): boolean {
    if (counter > this.#highest) return true
    if (counter <= this.#highest - this.size) return false
    return this.#seen[counter % this.size] === 0
  }

  /** Records `counter` as accepted; call after `check` returned true and the frame opened. */
  commit(counter: number): void {
    if (counter > this.#highest) {
      // Slots between the old highest and the new one now belong to unseen counters.
      const clear = Math.min(counter - this.#highest, this.size)
      for (let i = 1; i <= clear; i++) this.#seen[(this.#highest + i) % this.size] = 0
      this.#highest = counter
    }
    this.#seen[counter % this.size] = 1
  }

  /** The highest counter accepted so far, or -1. */
  get highest(): number {
    return this.#highest
  }
}
