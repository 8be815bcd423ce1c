/**
 * Everything that must be closed registers here as it is opened; close() unwinds in reverse order, like a stack
 * (the HTTP server stops accepting before the pool it uses is closed).
 */
export class ShutdownStack {
  readonly #closers: Array<{ name: string; close: () => Promise<void> | void }> = [];
  #closing: Promise<void> | undefined;

  push(name: string, close: () => Promise<void> | void) {
    this.#closers.push({ name, close });
  }

  /** Idempotent: a second signal waits for the first shutdown instead of starting another. */
  close(onError: (name: string, err: unknown) => void = () => {}): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#closers.length > 0) {
        const closer = this.#closers.pop();
        if (!closer) break;
        try {
          await closer.close();
        } catch (err) {
          onError(closer.name, err);
        }
      }
    })();
    return this.#closing;
  }
}
